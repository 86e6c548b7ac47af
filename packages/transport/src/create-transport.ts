import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { InvalidNetworkConfigError } from './errors.js'
import { privateKeyOf } from './identity-key.js'
import { buildLibp2pOptions, meshProtocols, sha256MessageId } from './libp2p-options.js'
import { listenKind, resolveNetworkConfig } from './network-config.js'
import { PipesTransport } from './pipes-transport.js'
import type { PipesServices, RuntimeProfile } from './libp2p-options.js'
import type { CreateTransportInit, Transport } from './types.js'

/** Builds and starts (unless `start: false`) a transport on a runtime (Node or browser). */
export async function createTransportOn (runtime: RuntimeProfile, init: CreateTransportInit): Promise<Transport> {
  const network = resolveNetworkConfig(init?.network)
  for (const [i, addr] of network.listen.entries()) {
    const kind = listenKind(multiaddr(addr))
    if (kind !== undefined && !runtime.listenKinds.has(kind)) {
      throw new InvalidNetworkConfigError(`listen[${i}]`, `this runtime (${runtime.name}) cannot listen on "${addr}"`)
    }
  }
  const privateKey = await privateKeyOf(init.identity)
  const transport = new PipesTransport(network, init.options ?? {}, init.messageId ?? sha256MessageId)
  const libp2p = await createLibp2p<PipesServices>(buildLibp2pOptions({
    network,
    privateKey,
    runtime,
    gater: transport.gater,
    datastore: init.datastore,
    messageId: async (data, topic) => await transport.messageIdOf(data, topic),
    options: init.options ?? {}
  }))
  // gossipsub 17.1.1 ignores its `protocols` option; its public `protocols`
  // field is read at start, so network-scope it here
  libp2p.services.pubsub.protocols.splice(0, Infinity, ...meshProtocols(network.id))
  transport.attach(libp2p)
  if (init.start !== false) await transport.start()
  return transport
}
