import { toHex } from '../bytes.js'
import { OwnHeadsUnknownError, SigningError, StorageError } from '../errors.js'
import { decodeWire } from '../entry-codec.js'
import { prepareEntry, signEntry } from '../entry-builder.js'
import type { NodeContext } from '../context.js'
import type { EncodedPayload, PayloadMeta } from '../payload-codec.js'
import type { AuthorState, EntryStore, StoredEntry } from '../entry-store.js'
import type { HlcTime } from '../hlc.js'
import type { UnsignedEntry } from '../entry-codec.js'

/** Where a store records that it learned (or wrote) this identity's own log of a pipeline: see `restored`. */
export const OWN_MARKER_PREFIX = '/pipes/own/'

/** One of our entries, durable. */
export interface OwnPut { seq: number, idHex: string, time: HlcTime, wire: Uint8Array, entry: UnsignedEntry }

/** One of our entries, signed, waiting for its turn to be appended. */
interface Signed { entry: StoredEntry, resolve: () => void, reject: (err: unknown) => void }

/**
 * Our own entries of one persistent pipeline: assigns seq and `prev` at put
 * time (so many signatures can be made at once), appends them to the store
 * strictly in seq order, and keeps our ids by seq for delivery receipts.
 */
export class OwnLog {
  readonly #ctx: NodeContext
  readonly #store: EntryStore
  readonly #pipeline: string
  readonly #flags: number
  readonly state: AuthorState
  #nextSeq: number
  #lastId: Uint8Array
  readonly #signed = new Map<number, Signed>()
  /** Our entry ids, index seq - 1. */
  readonly ids: string[] = []
  readonly #seqOf = new Map<string, number>()
  /**
   * Seqs the log was rewound to (a signing or a commit failed), in order:
   * a put that took its seq before rewind i and has a seq at or above
   * `#rewinds[i]` chains onto an entry that will never exist and fails.
   */
  readonly #rewinds: Array<{ seq: number, err: unknown }> = []
  /**
   * False while a restored identity (`restored: true`) has not learned its
   * own head on this pipeline: a put would reuse seqs written elsewhere.
   */
  #headsKnown = true
  /** Our highest seq a peer's complete vector reported; -1 before any. */
  #peerHead = -1
  #marking: Promise<void> | undefined

  constructor (ctx: NodeContext, store: EntryStore, pipeline: string, flags: number) {
    this.#ctx = ctx
    this.#store = store
    this.#pipeline = pipeline
    this.#flags = flags
    this.state = store.ensure(ctx.self.publicKey)
    // a bad record of ours is quarantined, never cut back: a new entry at its seq would fork our history
    store.keep(this.state.authorHex)
    this.#nextSeq = this.state.seq + 1
    this.#lastId = this.state.head
    // a failed commit rolled our state back to what is durable: go on from there
    store.onRollback(() => { this.#rewind(this.state.seq + 1, this.state.head, new StorageError('an earlier write to the datastore failed, and this put was queued behind it: it was not stored; put it again')) })
  }

  /** Forgets every put from `seq` on: the next put takes `seq`, chained on `prev`. */
  #rewind (seq: number, prev: Uint8Array, err: unknown): void {
    if (seq >= this.#nextSeq) return
    this.#rewinds.push({ seq, err })
    this.#nextSeq = seq
    this.#lastId = prev
    for (const [s, w] of this.#signed) {
      if (s >= seq) { this.#signed.delete(s); w.reject(err) }
    }
  }

  /** The error of a rewind since `since` that cut off `seq`, if any. */
  #cutOff (since: number, seq: number): unknown {
    for (let i = since; i < this.#rewinds.length; i++) {
      const r = this.#rewinds[i] as { seq: number, err: unknown }
      if (r.seq <= seq) return r.err
    }
    return undefined
  }

  get #markerKey (): string { return `${OWN_MARKER_PREFIX}${this.#pipeline}/${this.state.authorHex}` }

  /** Loads our ids (for receipts) and the clock's last reading. */
  async load (): Promise<HlcTime | undefined> {
    if (this.#ctx.restored) {
      const [marker] = await this.#ctx.kv.getMany([this.#markerKey])
      this.#headsKnown = marker !== undefined
    }
    this.#nextSeq = this.state.seq + 1
    this.#lastId = this.state.head
    let tail: StoredEntry | undefined
    for await (const chunk of this.#store.scan(this.state, 1, () => this.state.durableSeq, 1024)) {
      for (const e of chunk) this.#addId(e.seq, toHex(e.id))
      tail = chunk[chunk.length - 1] ?? tail
    }
    return tail === undefined ? undefined : timeOf(tail.wire)
  }

  /** Whether no put of ours is between seq assignment and append. */
  get quiet (): boolean {
    return this.#nextSeq === this.state.seq + 1
  }

  /** Our entries that arrived from peers (a restore): moves our counters past them. */
  adopted (): void {
    this.#nextSeq = this.state.seq + 1
    this.#lastId = this.state.head
  }

  /** False while puts wait for a peer to tell us our own head (a restored identity). */
  get headsKnown (): boolean { return this.#headsKnown }

  /** A peer's complete vector told us our head and we hold that much: puts may go ahead. */
  get headsLearned (): boolean { return this.#peerHead >= 0 && this.state.seq >= this.#peerHead }

  /** A peer's complete vector reported our head at `seq` (0: it holds none of ours). */
  notePeerHead (seq: number): void {
    if (seq > this.#peerHead) this.#peerHead = seq
  }

  /**
   * Lets a put go ahead once our own head is known: a peer told us its view
   * of it and we hold at least that much. Records that in the store, so a
   * restart does not wait again. Resolves once that record is durable, so
   * after our own entries up to that head (commits land in order).
   * @throws {@link OwnHeadsUnknownError} while no peer told us our head
   */
  async knowHeads (): Promise<void> {
    if (!this.headsLearned) throw new OwnHeadsUnknownError(this.#pipeline)
    this.#marking ??= this.#ctx.committer.write([{ key: this.#markerKey, value: new Uint8Array([1]) }]).then(
      () => { this.#headsKnown = true },
      (err: unknown) => { this.#marking = undefined; throw err }
    )
    await this.#marking
  }

  /** Our entry id at `seq`: durable, or signed and still in commit. */
  idAt (seq: number): string | undefined {
    return this.ids[seq - 1] ?? this.#signed.get(seq)?.entry.idHex
  }

  seqOf (idHex: string): number | undefined {
    return this.#seqOf.get(idHex)
  }

  /** Builds (payload from `encode`, given the seq), signs and durably appends one entry; resolves once durable. */
  async put (encode: (meta: PayloadMeta) => EncodedPayload): Promise<OwnPut> {
    // checked before a seq is taken: a refused put leaves nothing to rewind
    if (!this.#headsKnown) await this.knowHeads()
    const seq = this.#nextSeq
    const prev = this.#lastId
    const era = this.#rewinds.length
    const encoded = encode({ author: this.state.author, seq })
    this.#nextSeq++
    const time = this.#ctx.clock.tick()
    const prepared = prepareEntry(this.#ctx.identity, {
      network: this.#ctx.networkId, pipeline: this.#pipeline, seq, prev, time, flags: this.#flags, keyEpoch: encoded.keyEpoch, payload: encoded.payload
    })
    this.#lastId = prepared.id
    let wire: Uint8Array
    try {
      wire = await signEntry(this.#ctx.identity, prepared)
    } catch (err) {
      // a seq with no entry would stall every later put: rewind to it, so the next put takes it
      const failed = new SigningError(`signing entry ${seq} of pipeline "${this.#pipeline}" failed (${(err as Error)?.message ?? String(err)}): it was not stored; puts signed after it fail too, later puts work`, { cause: err })
      const cut = this.#cutOff(era, seq)
      if (cut !== undefined) throw cut
      this.#rewind(seq, prev, new SigningError(`signing an earlier entry of pipeline "${this.#pipeline}" failed, and this put was chained on it: it was not stored; put it again`, { cause: err }))
      throw failed
    }
    const cut = this.#cutOff(era, seq)
    if (cut !== undefined) throw cut
    const durable = new Promise<void>((resolve, reject) => {
      this.#signed.set(seq, { entry: { seq, id: prepared.id, wire, checked: true, idHex: prepared.idHex, time: time.time }, resolve, reject })
    })
    this.#flush()
    await durable
    this.#addId(seq, prepared.idHex)
    return { seq, idHex: prepared.idHex, time, wire, entry: prepared.entry }
  }

  #addId (seq: number, idHex: string): void {
    this.ids[seq - 1] = idHex
    this.#seqOf.set(idHex, seq)
  }

  /** Appends every signed entry that is next in line, as one batch. */
  #flush (): void {
    const batch: Signed[] = []
    let next = this.state.seq + 1
    for (let s = this.#signed.get(next); s !== undefined; s = this.#signed.get(next)) {
      this.#signed.delete(next)
      batch.push(s)
      next++
    }
    if (batch.length === 0) return
    this.#store.append(this.state, batch.map(b => b.entry)).then(
      () => { for (const b of batch) b.resolve() },
      (err: unknown) => { for (const b of batch) b.reject(err) }
    )
  }
}

function timeOf (wire: Uint8Array): HlcTime | undefined {
  const w = decodeWire(wire)
  return w === undefined ? undefined : { time: w.entry.time, counter: w.entry.counter }
}
