/**
 * @packageDocumentation
 * `@pipes/platform`: the `PlatformAPI` of the Pipes tutorial. One `apiPath`
 * holds a local identity, network configs and each node's store; it is
 * locked while in use and found again after a restart.
 *
 * @example
 * ```ts
 * import { PlatformAPI } from '@pipes/platform'
 *
 * const api = new PlatformAPI('/tmp/alice')
 * if (!await api.hasLocalIdentity()) await api.addIdentity('alice')
 * const network = await api.networkWithId('local')        // built-in loopback network
 * const node = await network.nodeWithIdentity(await api.localIdentity())
 * const pipeline = node.pipelineNamed('CHAT') ?? node.createPipeline({ name: 'CHAT', persistent: true })
 * pipeline.addPacketListener((packet) => { console.log(packet.sender.name, new TextDecoder().decode(packet.data)) })
 * await node.connect()
 * await pipeline.putPacket(new TextEncoder().encode('hello'))
 * await api.close()
 * ```
 */
export { PlatformAPI } from './platform-api.js'
export type { PlatformAPIOptions, TransportTimings } from './platform-api.js'
export { Network } from './network.js'
export { PlatformNode } from './platform-node.js'
export type { PlatformNodeEvents, PlatformNodeStats } from './platform-node.js'
export type { CreatePipelineOptions, EncryptedPipeline, PointToPointPipeline } from '@pipes/pipeline'
export { LOCAL_NETWORK, LOCAL_NETWORK_ID } from './network-config.js'
export type { OpenedDatastore, PlatformStorage } from './storage.js'
export { createIndexedDbStorage, indexedDbLayout } from './indexeddb-storage.js'
export type { IndexedDbStorageOptions } from './indexeddb-storage.js'
export {
  ApiPathLockedError, ClosedError, CorruptConfigError, IdentityExistsError, InvalidIdentityNameError,
  NetworkExistsError, NoDatastoreError, NoLocalIdentityError, NotConnectedError, ProfileLockedError, UnknownNetworkError
} from './errors.js'
// The one network-config error, thrown by the one validator (the transport's).
export { InvalidNetworkConfigError } from '@pipes/transport'
export type { Identity, LocalIdentity } from '@pipes/identity'
export type { Packet, PacketListener, Pipeline } from '@pipes/pipeline'
export type { NetworkConfig } from '@pipes/transport'
