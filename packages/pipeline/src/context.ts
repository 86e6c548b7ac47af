import type { BufferLimits } from './buffer-limits.js'
import type { GroupCommitter } from './group-commit.js'
import type { HybridClock } from './hlc.js'
import type { IdentityCache } from './identity-cache.js'
import type { DurableStore } from './kv.js'
import type { Publisher } from './publisher.js'
import type { RejectReason } from './reject-reasons.js'
import type { StatsBook } from './stats.js'
import type { ForkDetail, ReceiptDetail } from './types.js'
import type { Identity, LocalIdentity } from '@pipes/identity'
import type { Transport } from '@pipes/transport'

/** What a pipeline gets from its node. */
export interface NodeContext {
  readonly identity: LocalIdentity
  /** Our identity without its secret. */
  readonly self: Identity
  readonly transport: Transport
  readonly networkId: string
  readonly kv: DurableStore
  readonly committer: GroupCommitter
  readonly clock: HybridClock
  readonly identities: IdentityCache
  readonly stats: StatsBook
  readonly publisher: Publisher
  readonly maxClockSkewMs: number
  /** Bounds of the held and gap buffers of every persistent pipeline. */
  readonly buffers: BufferLimits
  /** The identity was restored onto this store: persistent pipelines learn its own heads from a peer before writing. */
  readonly restored: boolean
  /** True once the node is stopped. */
  readonly stopped: boolean
  /** Counts a refused entry or frame and emits the node's `reject` event. */
  reject (reason: RejectReason, pipeline: string | undefined, from: string): void
  /** Counts a fork and emits `fork` on the node. */
  fork (detail: ForkDetail): void
  /** Emits `receipt` on the node. */
  receipt (detail: ReceiptDetail): void
  /** Asks for a sync of a pipeline soon, with one peer or with all. */
  requestSync (peer?: string): void
}
