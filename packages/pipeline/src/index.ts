/**
 * @packageDocumentation
 * Pipelines for Pipes: signed entries that travel over a network's
 * gossipsub and, for persistent pipelines, are stored in the node's
 * datastore and synced between peers so nothing is lost while a node is
 * offline. Point-to-point pipelines (`peer`) seal packets for one identity
 * with a persistent outbox; encrypted pipelines (`encrypted`) seal them for
 * the holders of a shared secret or the members of a list the creator
 * manages, and every other node carries them as ciphertext.
 *
 * @example
 * ```ts
 * import { generateIdentity } from '@pipes/identity'
 * import { createTransport } from '@pipes/transport'
 * import { createPipesNode } from '@pipes/pipeline'
 * import { MemoryDatastore } from 'datastore-core'
 *
 * const identity = generateIdentity('alice')
 * const transport = await createTransport({ identity, network: { id: 'demo', listen: ['/ip4/127.0.0.1/tcp/0'] } })
 * const node = createPipesNode({ identity, transport, datastore: new MemoryDatastore() })
 * await node.start()
 * const chat = node.createPipeline({ name: 'CHAT', persistent: true })
 * chat.addPacketListener((packet) => console.log(packet.sender.name, new TextDecoder().decode(packet.data)))
 * await chat.putPacket(new TextEncoder().encode('hello'))
 *
 * // private to bob (an Identity, or bob's id), and a room only members read
 * const dm = node.createPipeline({ name: 'dm', peer: bobId })
 * const room = node.createPipeline({ name: 'room', persistent: true, encrypted: { members: [bob] } })
 * ```
 */
export { createPipesNode, DEFAULT_MAX_CLOCK_SKEW_MS, DEFAULT_MAX_PACKET_BYTES, DEFAULT_SYNC_INTERVAL_MS, MAX_PACKET_BYTES_LIMIT } from './node.js'
export type { PipesNode, PipesNodeInit } from './node.js'
export type {
  EncryptedPipeline, PointToPointPipeline,
  AddPacketListenerOptions, CreatePipelineOptions, ForkDetail, MailboxStats, NodeStats, Packet, PacketListener, Pipeline,
  PipelineEvents, PipelineKind, PipesNodeEvents, ReceiptDetail, RejectDetail, StorageErrorDetail, SyncStats
} from './types.js'
export type { RejectReason } from './reject-reasons.js'
export { REJECT_REASONS } from './reject-reasons.js'
export { DEFAULT_SYNC_LIMITS } from './sync-session.js'
export { DEFAULT_BUFFER_LIMITS } from './buffer-limits.js'
export { datastoreDurableStore, durableStoreOf, levelDurableStore } from './kv.js'
export type { DurableStore, KvOp, KvRange } from './kv.js'
export { openIndexedDbStore } from './idb-store.js'
export type { IndexedDbStore, IndexedDbStoreOptions } from './idb-store.js'
export type { SyncLimits } from './sync-session.js'
export type { BufferLimits } from './buffer-limits.js'
export type { BatchLimits } from './stored-parts.js'
export {
  InvalidPipelineArgumentError, InvalidPipelineNameError, InvalidSecureOptionError, KeyUnavailableError, MembershipError, type MembershipErrorCode, MembershipPendingError, NodeStoppedError, RemovedAuthorError,
  MailboxQuotaError, OwnHeadsUnknownError, PacketTooLargeError, PayloadAuthenticationError, PipelineExistsError, SigningError, StorageError, StorageFullError, StoreFailedError,
  UnknownPacketError
} from './errors.js'
export { DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE } from './log/time-index.js'
export type { HistoryOptions } from './log/time-index.js'
export { entryMessageId, ENTRY_VERSION, FLAG_ENCRYPTED, FLAG_PERSISTENT, FLAG_POINT_TO_POINT } from './entry-codec.js'
export { attachEntrySignature, decodeEntry, encodeEntry, encodeUnsignedEntry, entrySigningBytes } from './entry-api.js'
export type { DecodedEntry, EntryFields } from './entry-api.js'
export type { EncodedPayload, PayloadCodec, PayloadMeta } from './payload-codec.js'
export { compareHlc, HybridClock } from './hlc.js'
export type { EncryptedOptions } from './secure/secure-options.js'
export { MAILBOX_PIPELINE } from './secure/p2p-pipeline.js'
export { DEFAULT_MAILBOX_BYTES, DEFAULT_MAILBOX_BYTES_PER_AUTHOR, DEFAULT_MAILBOX_ENTRIES_PER_AUTHOR, DEFAULT_MAILBOX_RETENTION_MS } from './secure/mailbox/retention.js'
export type { MailboxOptions } from './secure/mailbox/retention.js'
export { DEFAULT_PASSPHRASE_COST } from './secure/pipeline-key.js'
export type { HlcTime } from './hlc.js'
