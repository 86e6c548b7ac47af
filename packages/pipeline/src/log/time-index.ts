import { toHex, utf8 } from '../bytes.js'
import { decodeWire } from '../entry-codec.js'
import { InvalidPipelineArgumentError, UnknownPacketError } from '../errors.js'
import { rangeOf } from '../kv.js'
import type { AuthorState, EntryStore, StoredEntry } from '../entry-store.js'
import type { GroupCommitter } from '../group-commit.js'
import type { DurableStore, KvOp, KvRange } from '../kv.js'

/** Options of a page of `pipeline.history(options)`. */
export interface HistoryOptions {
  /** Only packets after this one (its id) or after this time (ms since the epoch). */
  after?: string | number
  /** Only packets before this one (its id) or before this time (ms since the epoch). */
  before?: string | number
  /** Most packets in the page: 1 to {@link MAX_HISTORY_PAGE}, default {@link DEFAULT_HISTORY_PAGE}. */
  limit?: number
  /** Newest first (default oldest first): `{ reverse: true }` is the last page, `{ before: oldest.id, reverse: true }` the one before it. */
  reverse?: boolean
}

/** Packets in a page when `limit` is not given. */
export const DEFAULT_HISTORY_PAGE = 50
/** Most packets one page may ask for. */
export const MAX_HISTORY_PAGE = 1000

/** One entry as the index orders it: by time, then author, then seq. */
export interface IndexedEntry {
  readonly time: number
  readonly authorHex: string
  readonly seq: number
  /** Its index key, to go on from in the next read. */
  readonly key: string
}

/** Entries rebuilt into the index per write. */
const REBUILD_BATCH = 1024
const TIME_DIGITS = 12
const SEQ_DIGITS = 16
/** Version of the index's records; a store without this marker is indexed again from its log. */
const INDEX_VERSION = new Uint8Array([1])
const EMPTY = new Uint8Array(0)

/**
 * The time index beside a pipeline's log: one key per entry, ordered by
 * (time, author, seq), and one per entry id naming it, so a page of history
 * (before or after a time or a packet) is one bounded range read of the
 * index and one read of its entries, whatever the log's size. Its keys are
 * written in the same atomic batch as the entries (`EntryStore.indexOps`),
 * so index and log cannot diverge; a store written before the index existed
 * is indexed from its log once, when it opens.
 *
 * Keys: `/pipes/log/<pipeline hex>/{t/<time>/<author>/<seq>, i/<id>, tv}` (empty values,
 * the id key's value is its time key's tail, `tv` the index version).
 */
export class TimeIndex {
  readonly #kv: DurableStore
  readonly #committer: GroupCommitter
  readonly #pipeline: string
  readonly #base: string
  readonly #time: string
  readonly #id: string

  constructor (kv: DurableStore, committer: GroupCommitter, pipeline: string) {
    this.#kv = kv
    this.#committer = committer
    this.#pipeline = pipeline
    this.#base = `/pipes/log/${toHex(utf8(pipeline))}`
    this.#time = `${this.#base}/t/`
    this.#id = `${this.#base}/i/`
  }

  /** The index's keys for entries being appended (the hook of `EntryStore.indexOps`). */
  opsFor (state: AuthorState, entries: readonly StoredEntry[]): KvOp[] {
    const ops: KvOp[] = []
    for (const e of entries) {
      const time = e.time ?? decodeWire(e.wire, e.id)?.entry.time
      if (time === undefined) continue
      const tail = timeTail(time, state.authorHex, e.seq)
      ops.push({ key: this.#time + tail, value: EMPTY }, { key: this.#id + (e.idHex ?? toHex(e.id)), value: utf8(tail) })
    }
    return ops
  }

  /**
   * Indexes the log once if the index is missing (a store from before it,
   * or one whose index was lost): every held entry, a batch at a time; the
   * version marker goes last, so an interrupted rebuild starts over.
   */
  async open (store: EntryStore): Promise<void> {
    const [marker] = await this.#kv.getMany([`${this.#base}/tv`])
    if (marker !== undefined && marker.length === 1 && marker[0] === INDEX_VERSION[0]) return
    let ops: KvOp[] = []
    for (const state of store.sortedAuthors()) {
      for await (const chunk of store.scan(state, state.floor + 1, state.durableSeq)) {
        for (const op of this.opsFor(state, chunk)) ops.push(op)
        if (ops.length >= REBUILD_BATCH) {
          await this.#committer.write(ops)
          ops = []
        }
      }
    }
    ops.push({ key: `${this.#base}/tv`, value: INDEX_VERSION })
    await this.#committer.write(ops)
  }

  /**
   * At most `limit` entries inside the bounds of `options` (nearest the
   * `after` side first, or the `before` side with `reverse`), from index
   * key `from` on (exclusive) when going on from an earlier read.
   * @throws {@link UnknownPacketError} when a bound is an id the index does not hold
   */
  async page (options: HistoryOptions, limit: number, from?: string): Promise<IndexedEntry[]> {
    const q: KvRange = { limit, reverse: options.reverse === true }
    const low = await this.#bound(options.after, 'after')
    const high = await this.#bound(options.before, 'before')
    if (low === undefined) q.gte = this.#time
    else if (typeof low === 'number') q.gte = this.#time + timeHex(low + 1)
    else q.gt = low
    if (high === undefined) q.lt = this.#time + '\uffff'
    else if (typeof high === 'number') q.lt = this.#time + timeHex(Math.max(0, high))
    else q.lt = high
    // going on from an earlier read: `from` is inside the bounds, so it becomes the near one
    if (from !== undefined && q.reverse === true) q.lt = from
    else if (from !== undefined) {
      delete q.gte
      q.gt = from
    }
    const rows = await rangeOf(this.#kv, this.#time, q)
    const out: IndexedEntry[] = []
    for (const { key } of rows) {
      const parsed = parseTail(key.slice(this.#time.length))
      if (parsed !== undefined) out.push({ ...parsed, key })
    }
    return out
  }

  /** Drops index keys whose entries are no longer held (dropped from the front of the log, cut back for repair). */
  async forget (stale: readonly IndexedEntry[]): Promise<void> {
    if (stale.length === 0) return
    await this.#committer.write(stale.map(e => ({ key: e.key })))
  }

  /** A bound as a time, or as the index key of the packet whose id it is. */
  async #bound (value: string | number | undefined, what: string): Promise<number | string | undefined> {
    if (value === undefined) return undefined
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new InvalidPipelineArgumentError(`history({ ${what} }) must be a packet id or a time in ms, got ${String(value)}`)
      return Math.floor(value)
    }
    if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) throw new InvalidPipelineArgumentError(`history({ ${what} }) must be a packet id (64 hex digits) or a time in ms, got ${typeof value}`)
    const [tail] = await this.#kv.getMany([this.#id + value])
    if (tail === undefined) throw new UnknownPacketError(value, this.#pipeline)
    return this.#time + new TextDecoder().decode(tail)
  }
}

/** The page size asked for, checked. */
export function pageLimit (limit: unknown): number {
  if (limit === undefined) return DEFAULT_HISTORY_PAGE
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
    throw new InvalidPipelineArgumentError(`history({ limit }) must be an integer from 1 to ${MAX_HISTORY_PAGE}, got ${String(limit)}`)
  }
  return limit
}

function timeHex (time: number): string {
  return Math.min(Math.max(0, time), 2 ** 48 - 1).toString(16).padStart(TIME_DIGITS, '0')
}

function timeTail (time: number, authorHex: string, seq: number): string {
  return `${timeHex(time)}/${authorHex}/${seq.toString(16).padStart(SEQ_DIGITS, '0')}`
}

function parseTail (tail: string): Omit<IndexedEntry, 'key'> | undefined {
  const [time, authorHex, seq] = tail.split('/')
  if (time === undefined || authorHex === undefined || seq === undefined) return undefined
  const t = parseInt(time, 16)
  const s = parseInt(seq, 16)
  if (!Number.isSafeInteger(t) || !Number.isSafeInteger(s)) return undefined
  return { time: t, authorHex, seq: s }
}
