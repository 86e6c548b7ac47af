/**
 * @packageDocumentation
 * `@pipes/transport`: one libp2p 3 node per Pipes network, behind the narrow
 * {@link Transport} interface that pipelines use — pubsub with a validator,
 * framed protocol streams, peers and their events, peer lookup.
 *
 * This is the Node entry (TCP, WebSockets, memory, circuit relay, mDNS). In
 * a browser bundle the `browser` export condition selects an entry with
 * WebSockets and circuit relay only. Both export the same API.
 *
 * @example
 * ```ts
 * import { generateIdentity } from '@pipes/identity'
 * import { createTransport, topicFor } from '@pipes/transport'
 *
 * const transport = await createTransport({
 *   identity: generateIdentity('alice'),
 *   network: { id: 'demo', listen: ['/ip4/127.0.0.1/tcp/0'] }
 * })
 * const topic = topicFor('demo', 'chat')
 * transport.subscribe(topic, msg => console.log(new TextDecoder().decode(msg.data)))
 * await transport.publish(topic, new TextEncoder().encode('hello'))
 * await transport.stop()
 * ```
 */
// The polyfills must run before any libp2p module is evaluated: keep this the first import.
import './polyfills.js'
import { nodeRuntime } from './node-runtime.js'
import { createTransportOn } from './create-transport.js'
import type { CreateTransportInit, Transport } from './types.js'

export * from './common.js'

/**
 * Creates the libp2p node of one network for an identity (its peer id is
 * `identity.id`) and, unless `start: false`, starts it.
 *
 * @throws {@link InvalidNetworkConfigError} for a bad network config (naming the field).
 * @throws {@link UnusableIdentityError} for an identity whose key does not match its id.
 */
export async function createTransport (init: CreateTransportInit): Promise<Transport> {
  return await createTransportOn(nodeRuntime, init)
}
