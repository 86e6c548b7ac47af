import type { HistoryOptions } from './log/time-index.js'
import type { RejectReason } from './reject-reasons.js'
import type { EncryptedOptions } from './secure/secure-options.js'
import type { Identity } from '@pipes/identity'

/** What a listener receives: one entry of a pipeline, verified. */
export interface Packet {
  /** The bytes the sender put. */
  data: Uint8Array
  /** The author, verified: the entry's signature and the name's signature both check. */
  sender: Identity
  /** When the sender put it: the wall-clock part of its hybrid logical clock, in ms since the epoch. */
  timestamp: number
  /** Hex sha256 entry hash: the same on every node. */
  id: string
  /** Name of the pipeline it was put on. */
  pipeline: string
  /** The sender's sequence number in this pipeline (from 1; live pipelines count from 1 per session). */
  seq: number
}

/** The kinds of pipeline: `live` (gossip only), `persistent` (stored and synced), `p2p` (sealed for one identity), `encrypted` (sealed for key holders). */
export type PipelineKind = 'live' | 'persistent' | 'p2p' | 'encrypted'

/** Called once for each packet; a returned promise is awaited before the next packet of the pipeline. */
export type PacketListener = (packet: Packet, pipeline: Pipeline) => void | Promise<void>

/** Options of `addPacketListener`. */
export interface AddPacketListenerOptions {
  /** First give the listener every stored packet already delivered to others (persistent pipelines), then new ones. Default false. */
  replay?: boolean
}

/** Detail of a `receipt` event: a peer is now known to hold more of our packets. */
export interface ReceiptDetail {
  pipeline: string
  /** Peer id of the holder. */
  peer: string
  /** Our highest seq the peer holds (with every seq below it). */
  seq: number
  /** Ids of our packets the peer is newly known to hold, in seq order. */
  ids: string[]
}

/** Detail of a `fork` event: two different entries claimed the same author and seq. The second was rejected. */
export interface ForkDetail {
  pipeline: string
  /** Peer id of the author. */
  author: string
  seq: number
  /** Id of the entry we hold. */
  kept: string
  /** Id of the conflicting entry we refused. */
  rejected: string
  /** Peer id that sent us the conflicting entry. */
  from: string
}

/** Detail of a `reject` event. */
export interface RejectDetail {
  pipeline: string | undefined
  reason: RejectReason
  /** Peer id that sent it. */
  from: string
}

/** Events of a pipeline. */
export interface PipelineEvents {
  receipt: CustomEvent<ReceiptDetail>
  fork: CustomEvent<ForkDetail>
}

/** A named stream of packets shared by every node of a network that has it. */
export interface Pipeline extends EventTarget {
  /** The pipeline's name. */
  readonly name: string
  /** Its kind. */
  readonly kind: PipelineKind
  /** Largest `data` accepted by `putPacket`, in bytes. */
  readonly maxPacketBytes: number
  /**
   * Puts a packet on the pipeline. A live pipeline resolves once the
   * packet is handed to gossipsub; a persistent one once it is durably
   * stored in this node's datastore (it is then pushed to peers).
   *
   * @throws {@link PacketTooLargeError} when `data` is over `maxPacketBytes`
   * @throws {@link InvalidPipelineArgumentError} when `data` is not a Uint8Array
   * @throws {@link NodeStoppedError} after the node stopped
   */
  putPacket (data: Uint8Array): Promise<Packet>
  /**
   * Calls `fn` for every packet from now on (and, with `replay`, the stored
   * ones first). Adding the same function twice has no effect. A replay
   * reads the store, so the call returns a Promise (docs/architecture.md,
   * "When a call is async"): it resolves once the replay has been delivered
   * to `fn` (at once without `replay`); awaiting it is optional.
   * @throws {@link InvalidPipelineArgumentError} (synchronously) when `fn` is not a function
   */
  addPacketListener (fn: PacketListener, options?: AddPacketListenerOptions): Promise<void>
  /** Stops calling `fn`. */
  removePacketListener (fn: PacketListener): void
  /**
   * Stored packets (empty for live pipelines). With no options: all of them,
   * author by author, each author's in seq order, read as iterated. With
   * options: one page in time order, read through the pipeline's time index
   * (its cost does not grow with the log): e.g. `{ reverse: true, limit: 50 }`
   * is the newest 50, newest first; `{ before: oldest.id, reverse: true }` the
   * page before it; `{ after: newest.id }` what came after.
   * @throws {@link InvalidPipelineArgumentError} (when iterated) for a bad option
   * @throws {@link UnknownPacketError} (when iterated) when `before` or `after` is an id the store does not hold
   */
  history (options?: HistoryOptions): AsyncIterable<Packet>
  /** Peer ids known to hold one of our own packets (delivery receipts); empty for unknown ids and live pipelines. */
  holders (packetId: string): string[]
  addEventListener<K extends keyof PipelineEvents>(type: K, listener: ((evt: PipelineEvents[K]) => void) | null, options?: boolean | AddEventListenerOptions): void
  addEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void
  removeEventListener<K extends keyof PipelineEvents>(type: K, listener: ((evt: PipelineEvents[K]) => void) | null, options?: boolean | EventListenerOptions): void
  removeEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void
}

/** Options of `createPipeline`. */
export interface CreatePipelineOptions {
  /** 1 to 128 characters: letters, digits and `. _ - : # @ + =`. */
  name: string
  /** Store and sync the pipeline (store-and-forward). Default false (live). */
  persistent?: boolean
  /** Largest packet, in bytes; default 1 MiB, at most 8 MiB (point-to-point: at most 1 MiB). */
  maxPacketBytes?: number
  /**
   * Make it an encrypted pipeline (persistent; `persistent` may be omitted):
   * keys from a shared secret (`{ key }`, `{ passphrase }`) or from a member
   * list this identity creates (`{ members, admins? }`) or joins (`{ owner }`);
   * `{ relayOnly: true }` stores and relays it without any key.
   */
  encrypted?: EncryptedOptions
  /**
   * Make it a point-to-point pipeline to one identity (an `Identity`, or its
   * id: the key is read from the id), end-to-end encrypted, with a
   * persistent outbox. Both ends create it with the same name.
   */
  peer?: Identity | string
}

/** An encrypted pipeline: a persistent pipeline whose payloads only key holders read. */
export interface EncryptedPipeline extends Pipeline {
  readonly kind: 'encrypted'
  /** The current key epoch (1 for shared-secret pipelines; it grows with every removal). 0 while this node knows no key schedule. */
  readonly epoch: number
  /** Whether this node holds the current epoch key (can put packets and read new ones). */
  readonly hasKey: boolean
  /** The current members, owner and admins included (member-list pipelines; empty for shared-secret ones). */
  members (): Identity[]
  /**
   * Adds a member: the current epoch key is sealed to it and carried on the
   * pipeline. Resolves once the record is durably stored here.
   * @throws {@link MembershipError} `ERR_NOT_ADMIN` unless this identity is the owner or an admin; `ERR_MEMBERSHIP_NOT_READY` before it holds the current key
   * @throws {@link InvalidPipelineArgumentError} when `identity` is not an Identity
   */
  addMember (identity: Identity): Promise<void>
  /**
   * Removes a member (an Identity or its id) and starts a new epoch whose key
   * is sealed to the remaining members only: the removed member reads
   * nothing sent afterwards, whatever it saved.
   * @throws {@link MembershipError} `ERR_NOT_ADMIN`, `ERR_MEMBERSHIP_NOT_READY`, `ERR_NOT_REMOVABLE` (not a member, or the owner or an admin)
   * @throws {@link InvalidPipelineArgumentError} when `member` is neither an Identity nor an identity id
   */
  removeMember (member: Identity | string): Promise<void>
}

/** A point-to-point pipeline: end-to-end encrypted between this identity and `peer`. */
export interface PointToPointPipeline extends Pipeline {
  readonly kind: 'p2p'
  /** The other end: its key and id. */
  readonly peer: { readonly publicKey: Uint8Array, readonly id: string }
  /** Whether the peer is known (delivery receipt) to hold every packet put here since the pipeline was created. */
  readonly acknowledged: boolean
}

/** Sync counters. */
export interface SyncStats {
  /** Sessions completed, as initiator or responder. */
  sessions: number
  /** Sessions that ended in an error (peer gone, refused frames, timeouts). */
  failed: number
  /** Sessions refused by us for a frame that broke the protocol or its limits. */
  refused: number
  batchesSent: number
  batchesReceived: number
  entriesSent: number
  entriesReceived: number
  /** Authors whose sync batch we refused in a session: the rest of their batches there were ignored, the session went on. */
  authorsSkipped: number
  /**
   * Peer heads (unsigned vector claims) that named another entry than ours at
   * the same seq: not reported as forks; we sent our signed entry at that seq
   * so a peer holding another one reports the fork from two signed entries.
   */
  headMismatches: number
  /** Bytes of sync frames sent and received (without framing). */
  bytesSent: number
  bytesReceived: number
  /** Sessions under way now, ours and peers'. */
  running: number
  /** Peers with a session of ours due: its timer is pending, or one more run was asked for while one runs. */
  scheduled: number
}

/** What a node holds of the network-wide mailbox and what its retention did (see `MailboxOptions`). */
export interface MailboxStats {
  /** Envelopes dropped because their author was over its quota (envelopes or bytes) or the mailbox over its total. */
  overQuota: number
  /** Envelopes deleted from the store after their retention. */
  expired: number
  /** Checkpoints this node signed for its own envelopes. */
  checkpointsSigned: number
  /** Peers' checkpoints taken (newer than the one held of that author). */
  checkpointsTaken: number
  /** Peers' checkpoints refused: malformed, badly signed, from the future, or naming another entry than ours (a fork). */
  checkpointsDropped: number
  /** Authors whose log this node moved to a checkpoint (it was behind it). */
  rebased: number
  /** Authors, envelopes and envelope bytes held now. */
  authors: number
  entries: number
  bytes: number
}

/** Counters of a node since it was created. */
export interface NodeStats {
  /** Packets put by this node. */
  put: number
  /** Entries written to the datastore (own and received). */
  stored: number
  /** Packets delivered to listeners (counted once per packet, not per listener). */
  delivered: number
  /** Entries handed to gossipsub. */
  published: number
  /** Entries not published because too many were in flight or the transport was not started (sync delivers them). */
  publishSkipped: number
  /** Entries and frames refused, in total and by reason. */
  rejected: number
  rejects: Record<RejectReason, number>
  /** Forks seen (also counted in `rejects.fork`). */
  forks: number
  /** Entries waiting for a gap to fill, now. */
  gapBuffered: number
  /** Out-of-order entries dropped because the gap buffer was full (sync fetches them again). */
  gapDropped: number
  /**
   * Bytes of stored entries held in memory for delivery, now (an entry that
   * waits for its key, or for a slow listener, is held; the store has it too).
   */
  heldBytes: number
  /** Stored entries not held in memory because a held budget (`bufferLimits`) was full: read back from the store when delivered. */
  heldSkipped: number
  /** Held entries let go of after `bufferLimits.heldTtlMs`: they wait in the store and are read back when they can be delivered. */
  heldExpired: number
  /** Entries dropped from the gap buffer after waiting `bufferLimits.gapTtlMs` for their gap to fill (sync fetches them again). */
  gapExpired: number
  /** Listener calls that threw or rejected. */
  listenerErrors: number
  /** Control records of encrypted pipelines (key grants, membership changes) dropped as invalid. */
  controlDropped: number
  /** Entries whose payload could not be opened and were dropped. */
  undecryptable: number
  /**
   * Stored records found missing, undecodable or not matching their id on
   * read. That author's delivery and serving stop before the record; its
   * log is cut back there so sync fetches the rest from peers (our own log
   * is only quarantined).
   */
  corruptRecords: number
  /** Group commits: synced batches written and operations in them. */
  commits: number
  commitOps: number
  /**
   * Writes waiting for a group commit now: operations and bytes (keys and
   * values). Bounded: past 32,768 operations or 64 MiB, counting what puts
   * and sync batches already let in are about to write, puts and sync
   * ingest wait for room.
   */
  commitQueued: { ops: number, bytes: number }
  /** Group commits that failed (disk full, I/O error); each also raised `storage-error`. */
  storageErrors: number
  sync: SyncStats
  /** The network-wide mailbox (zeros on a node that does not carry it). */
  mailbox: MailboxStats
}

/** Events of a node: every pipeline's `receipt` and `fork`, and every `reject`. */
export interface PipesNodeEvents {
  receipt: CustomEvent<ReceiptDetail>
  fork: CustomEvent<ForkDetail>
  reject: CustomEvent<RejectDetail>
  /** A commit to the datastore failed (disk full, I/O error); the logs were rolled back to what is on disk. */
  'storage-error': CustomEvent<StorageErrorDetail>
}

/** Detail of a `storage-error` event. */
export interface StorageErrorDetail {
  /** What the datastore threw. */
  error: unknown
}
