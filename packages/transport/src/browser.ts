/**
 * @packageDocumentation
 * `@pipes/transport` for browsers: the same API as the Node entry, with
 * WebSockets and circuit relay v2 as transports and no Node built-in.
 * A browser node does not listen; it dials WebSockets addresses (loopback
 * and private ones included) and can be reached through a relay when its
 * network config lists `/p2p-circuit` in `listen`.
 */
import { browserRuntime } from './browser-runtime.js'
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
  return await createTransportOn(browserRuntime, init)
}
