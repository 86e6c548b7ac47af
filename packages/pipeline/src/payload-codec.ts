import type { UnsignedEntry } from './entry-codec.js'
import type { AuthorState, EntryStore } from './entry-store.js'
import type { OwnPut } from './log/own-log.js'
import type { CheckpointCarrier } from './sync-session.js'
import type { ForkDetail } from './types.js'

/** What a payload codec turns a packet's data into. */
export interface EncodedPayload {
  payload: Uint8Array
  /** Key epoch the payload was sealed under; 0 for plain payloads. */
  keyEpoch: number
}

/** What a codec knows of the entry it encodes a payload for (assigned before encoding). */
export interface PayloadMeta {
  /** 32-byte ed25519 public key of the author. */
  author: Uint8Array
  /** The entry's per-author sequence number. */
  seq: number
}

/**
 * The layer between `Packet.data` and `entry.payload`. The plain codec
 * passes bytes through; an encrypted pipeline's codec seals them under the
 * key of an epoch and sets `FLAG_ENCRYPTED`, without the entry format, the
 * store or sync knowing about keys.
 */
export interface PayloadCodec {
  /** Kind flag bits this codec adds to every entry (e.g. FLAG_ENCRYPTED). */
  readonly flags: number
  /** Bytes the codec may add to a payload (nonce, tag), counted against the size limit. */
  readonly overheadBytes: number
  /** Synchronous: seq and `prev` of an author's entries are assigned in call order, and each entry's id needs its payload. */
  encode (data: Uint8Array, meta: PayloadMeta): EncodedPayload
  /**
   * The packet data of a verified entry; undefined when the entry is not a
   * packet for listeners (a record of the pipeline kind itself: skipped);
   * throws when it cannot be opened (yet): the entry is then not delivered,
   * and its author's later entries wait behind it until delivery is tried
   * again (`keysChanged`).
   */
  decode (entry: UnsignedEntry): Uint8Array | undefined | Promise<Uint8Array | undefined>
}

/** Payload = data. */
export const plainCodec: PayloadCodec = {
  flags: 0,
  overheadBytes: 0,
  encode: (data, _meta) => ({ payload: data, keyEpoch: 0 }),
  decode: (entry) => entry.payload
}

/** One durable entry of a pipeline's log, as a kind reads it back (payload not opened). */
export interface LogRecord {
  entry: UnsignedEntry
  idHex: string
}

/**
 * The log of a stored pipeline as a kind uses it: its codec (the encrypted
 * kind's control records), or a kind built over that log (point-to-point
 * over the mailbox). Puts go the whole way a packet goes: stored, delivered,
 * gossiped.
 */
export interface KindLog {
  readonly name: string
  /** True once the pipeline is closed. */
  closed (): boolean
  /** Resolves once the log is open; rejects if it failed to open. */
  ready (): Promise<void>
  /** Puts an entry whose payload `encode` makes (given the seq it will have); resolves once durable, like `putPacket`. */
  put (encode: (meta: PayloadMeta) => EncodedPayload): Promise<OwnPut>
  /** Every durable entry, author by author in seq order. */
  entries (): AsyncIterable<LogRecord>
  /** The codec can open more entries now (keys arrived): delivery is tried again. */
  keysChanged (): void
  /** The entry store under the log: every author's state, reads, and dropping a log's front (`prune`). */
  readonly store: EntryStore
  /** Runs `fn` with ingest held off: no received entry is appended meanwhile. */
  exclusive<T> (fn: () => Promise<T> | T): Promise<T>
  /**
   * Moves an author's log that ends below `seq` to a base at `seq` whose
   * entry has id `head` (`EntryStore.rebase`). Our own log too, but only
   * while no put of ours is in flight; our next put then follows on after
   * `seq`. False when it did not move. Call it under `exclusive`.
   */
  rebase (state: AuthorState, seq: number, head: Uint8Array): Promise<boolean>
  /** Reports a fork the kind found (counted, raised as `fork` once per author and seq). */
  fork (detail: ForkDetail): void
}

/**
 * The codec of a stored kind: a payload codec that may also keep records of
 * its own in the log (entries it decodes to undefined, e.g. the encrypted
 * kind's membership records). A kind is a codec: the stored pipeline calls
 * these at fixed points and the rest (log, ingest, sync, delivery) is shared.
 */
export interface KindCodec extends PayloadCodec {
  /** Runs once the store is open, before gossip and delivery start (part of the open: a failure fails it). */
  open? (log: KindLog): Promise<void>
  /** Entries (ours and received) that just became durable, in per-author order. */
  stored? (entries: readonly LogRecord[], log: KindLog): void
  /** A restored identity just learned its own head here, so its puts may go ahead. Called once. */
  ownHeadsLearned? (log: KindLog): void
  /**
   * A restored identity's own head is known and its entries up to it are
   * durable: resolves once the kind has taken in what they carry (e.g. an
   * encrypted pipeline's genesis and keys), before the first packet put is
   * encoded. Called once; never rejects.
   */
  restored? (log: KindLog): Promise<void>
  /**
   * How many of a verified run of one author's next entries (they link on,
   * none stored yet) to take; the rest is dropped (the codec counts it).
   * Called under the ingest lock, before any per-author state is made for
   * them. Without it every entry is taken.
   */
  admit? (run: readonly LogRecord[]): number
  /** The kind's signed checkpoints in sync (the mailbox): CHECKPOINT frames, and a head's `checkpoint`. */
  readonly checkpoints?: CheckpointCarrier
  /** Runs last when the pipeline closes: the codec's own work is over when it resolves. */
  close? (): Promise<void>
}
