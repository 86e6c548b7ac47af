import { pb, sameBytes, toHex, utf8 } from './bytes.js'
import { decodeWire } from './entry-codec.js'
import { StorageError, StoreFailedError } from './errors.js'
import { AuthorHead } from './sync.pb.js'
import type { GroupCommitter } from './group-commit.js'
import type { DurableStore, KvOp } from './kv.js'

/** Record flag: the entry's own signature was checked (not only reached through the hash chain). */
export const RECORD_SIGNATURE_CHECKED = 1

/** Entries read from the store at a time when delivering, replaying or scanning. */
export const READ_CHUNK = 256

/** An entry as the store keeps it. */
export interface StoredEntry {
  seq: number
  id: Uint8Array
  wire: Uint8Array
  /** Whether this entry's signature itself was verified. */
  checked: boolean
  /** Hex of `id`, when the caller has it already. */
  idHex?: string
  /** The entry's time (ms), when the caller has it decoded: the time index keys on it. */
  time?: number
}

/** What the store knows about one author of one pipeline. */
export interface AuthorState {
  readonly author: Uint8Array
  readonly authorHex: string
  /** Highest seq accepted, every seq below it too (some may still be in a commit). */
  seq: number
  /** Id of the entry at `seq` (empty at 0). */
  head: Uint8Array
  /** Highest seq known to be written to the datastore, every seq below it too. */
  durableSeq: number
  durableHead: Uint8Array
  /** Highest seq delivered to listeners. */
  delivered: number
  /**
   * Highest seq dropped from the front of the log (the mailbox's expiry): entries
   * `1..floor` are not held, `floor + 1..durableSeq` are. 0 for a whole log.
   */
  floor: number
  /** Id of the entry at `floor` (empty at 0): what the entry after it links to. */
  floorHead: Uint8Array
  /** Ids of accepted entries still in a commit, by seq. */
  readonly pending: Map<number, string>
}

const SEQ_DIGITS = 16

function seqKey (seq: number): string {
  return seq.toString(16).padStart(SEQ_DIGITS, '0')
}

/**
 * The log of one persistent pipeline in the node's datastore: for each
 * author, entries by seq with no gap, the head (seq and hash), and the
 * delivered watermark. Writes go through the node's group committer; the
 * head record of an author is written in the same atomic batch as its
 * entries, so after any crash the head names entries that are present.
 *
 * Keys: `/pipes/log/<pipeline hex>/{e/<author>/<seq>, h/<author>, d/<author>, f/<author>}`
 * (`f`: the floor, written only by {@link EntryStore.prune} and {@link EntryStore.rebase}).
 */
export class EntryStore {
  readonly #kv: DurableStore
  readonly #committer: GroupCommitter
  readonly #base: string
  readonly #authors = new Map<string, AuthorState>()
  /** Authors with durable entries not yet delivered: delivery visits these, not every author. */
  readonly #undelivered = new Set<AuthorState>()
  readonly #rolledBack = new Set<() => void>()
  /** Bad records seen (`<author>/<seq>`), so each is reported once. */
  readonly #quarantined = new Set<string>()
  /** Authors whose log is never cut back for repair (our own: a new entry at a cut seq would fork our history). */
  readonly #keep = new Set<string>()
  readonly #repairing = new Set<string>()
  /** Called once per bad record found (missing, undecodable, or not matching its id, seq or author). */
  onCorrupt: (authorHex: string, seq: number, repaired: boolean) => void = () => {}
  /** More writes for the batch that appends `entries` (the time index's keys), so they land or fail together. */
  indexOps: (state: AuthorState, entries: readonly StoredEntry[]) => KvOp[] = () => []
  readonly #unsubscribe: () => void

  constructor (kv: DurableStore, committer: GroupCommitter, pipeline: string) {
    this.#kv = kv
    this.#committer = committer
    this.#base = `/pipes/log/${toHex(utf8(pipeline))}`
    this.#unsubscribe = committer.onFailure(() => { this.#rollback() })
  }

  /**
   * A commit failed, and with it every write queued behind it: what is in
   * memory but not on disk is forgotten, so resends are taken again and the
   * next append follows what is durable.
   */
  #rollback (): void {
    for (const state of this.#authors.values()) {
      if (state.seq === state.durableSeq) continue
      state.seq = state.durableSeq
      state.head = state.durableHead
      state.pending.clear()
    }
    for (const fn of this.#rolledBack) fn()
  }

  /** Calls `fn` synchronously after a failed commit rolled the states back. */
  onRollback (fn: () => void): void {
    this.#rolledBack.add(fn)
  }

  /** Never cuts this author's log back when a record of it is bad (it is quarantined only). */
  keep (authorHex: string): void {
    this.#keep.add(authorHex)
  }

  /** Stops following the committer (the pipeline is closed). */
  close (): void {
    this.#unsubscribe()
    this.#rolledBack.clear()
  }

  /** Loads heads and delivered watermarks. */
  async open (): Promise<void> {
    for await (const { key, value } of this.#kv.scan(`${this.#base}/h/`)) {
      const head = this.#decodeHead(key, value)
      const state = this.ensure(head.author)
      state.seq = state.durableSeq = head.seq
      state.head = state.durableHead = head.head
    }
    for await (const { key, value } of this.#kv.scan(`${this.#base}/d/`)) {
      const mark = this.#decodeHead(key, value)
      const state = this.ensure(mark.author)
      state.delivered = Math.min(mark.seq, state.durableSeq)
    }
    for await (const { key, value } of this.#kv.scan(`${this.#base}/f/`)) {
      const floor = this.#decodeHead(key, value)
      const state = this.ensure(floor.author)
      state.floor = Math.min(floor.seq, state.durableSeq)
      state.floorHead = floor.head
      state.delivered = Math.max(state.delivered, state.floor)
    }
    for (const state of this.#authors.values()) this.#noteUndelivered(state)
  }

  #decodeHead (key: string, value: Uint8Array): AuthorHead {
    try {
      const head = AuthorHead.decode(value)
      if (head.author.length !== 32 || !Number.isSafeInteger(head.seq) || head.seq < 0) throw new Error('bad head record')
      return head
    } catch (err) {
      throw new StoreFailedError(`the datastore record ${key} is not a Pipes head record: the store is corrupt or written by an incompatible version`, { cause: err })
    }
  }

  /** Authors with at least one entry or watermark. */
  authors (): IterableIterator<AuthorState> {
    return this.#authors.values()
  }

  /**
   * Authors with durable entries above their delivered watermark, in the
   * order they got them. Kept as entries land and are marked delivered, so
   * a delivery pass costs what is new, not one visit per known author.
   */
  undelivered (): IterableIterator<AuthorState> {
    return this.#undelivered.values()
  }

  #noteUndelivered (state: AuthorState): void {
    if (state.delivered < state.durableSeq) this.#undelivered.add(state)
    else this.#undelivered.delete(state)
  }

  /** Authors in a stable order (by key), for reading the log author by author. */
  sortedAuthors (): AuthorState[] {
    return [...this.#authors.values()].sort((a, b) => a.authorHex < b.authorHex ? -1 : 1)
  }

  /** The state of an author, if known. */
  get (authorHex: string): AuthorState | undefined {
    return this.#authors.get(authorHex)
  }

  /** The state of an author, created empty when new. */
  ensure (author: Uint8Array): AuthorState {
    const authorHex = toHex(author)
    let state = this.#authors.get(authorHex)
    if (state === undefined) {
      state = { author: author.slice(), authorHex, seq: 0, head: new Uint8Array(0), durableSeq: 0, durableHead: new Uint8Array(0), delivered: 0, floor: 0, floorHead: new Uint8Array(0), pending: new Map() }
      this.#authors.set(authorHex, state)
    }
    return state
  }

  /**
   * Appends the author's next entries (consecutive, starting at `state.seq + 1`,
   * chain already checked). The state moves at once; the returned promise
   * resolves when they are durable, or rejects with a {@link StorageError}
   * once the state is rolled back to what is durable.
   */
  async append (state: AuthorState, entries: StoredEntry[]): Promise<void> {
    const first = entries[0]
    const last = entries[entries.length - 1]
    if (first === undefined || last === undefined) return
    if (first.seq !== state.seq + 1) throw new StoreFailedError(`append of seq ${first.seq} after ${state.seq}: entries must be consecutive`)
    const ops: KvOp[] = []
    for (const e of entries) {
      const record = new Uint8Array(1 + 32 + e.wire.length)
      record[0] = e.checked ? RECORD_SIGNATURE_CHECKED : 0
      record.set(e.id, 1)
      record.set(e.wire, 33)
      ops.push({ key: this.#entryKey(state.authorHex, e.seq), value: record })
      state.pending.set(e.seq, e.idHex ?? toHex(e.id))
    }
    ops.push({ key: `${this.#base}/h/${state.authorHex}`, value: AuthorHead.encode({ author: pb(state.author), seq: last.seq, head: pb(last.id) }) })
    for (const op of this.indexOps(state, entries)) ops.push(op)
    state.seq = last.seq
    state.head = last.id
    try {
      await this.#committer.write(ops, () => {
        if (last.seq > state.durableSeq) {
          state.durableSeq = last.seq
          state.durableHead = last.id
          this.#noteUndelivered(state)
        }
        for (const e of entries) state.pending.delete(e.seq)
      })
    } catch (err) {
      throw new StorageError(`writing to the datastore failed (${(err as Error)?.message ?? String(err)}): nothing of this write was stored; free disk space or fix the store, then put again`, { cause: err })
    }
  }

  /** Records that entries up to `seq` were delivered; written with the next group commit. */
  async markDelivered (state: AuthorState, seq: number): Promise<void> {
    state.delivered = Math.max(state.delivered, seq)
    this.#noteUndelivered(state)
    await this.#committer.write([{ key: `${this.#base}/d/${state.authorHex}`, value: AuthorHead.encode({ author: pb(state.author), seq: state.delivered }) }])
  }

  /** Hex id of the author's entry at `seq`, if held. */
  async idAt (state: AuthorState, seq: number): Promise<string | undefined> {
    if (seq < 1 || seq > state.seq || seq < state.floor) return undefined
    if (seq === state.seq) return toHex(state.head)
    if (seq === state.floor) return toHex(state.floorHead)
    const pending = state.pending.get(seq)
    if (pending !== undefined) return pending
    const [found] = await this.read(state, seq, seq)
    return found === undefined ? undefined : toHex(found.id)
  }

  /**
   * Durable entries of an author from `from` to `to` (inclusive), in seq
   * order, each checked against what it claims (its id re-hashed from the
   * wire, its seq and author). A bad record ends the read there: the
   * author's later entries are not delivered or served (quarantine), and the
   * author's log is cut back to the last good entry so sync fetches the rest
   * again from peers (repair).
   */
  async read (state: AuthorState, from: number, to: number): Promise<StoredEntry[]> {
    // below the floor nothing is held (dropped on purpose, not lost)
    from = Math.max(from, state.floor + 1)
    const last = Math.min(to, state.durableSeq)
    if (from > last) return []
    const keys: string[] = []
    for (let seq = from; seq <= last; seq++) keys.push(this.#entryKey(state.authorHex, seq))
    const values = await this.#kv.getMany(keys)
    const out: StoredEntry[] = []
    for (let i = 0; i < values.length; i++) {
      const seq = from + i
      // pruned while this read was under way: not a bad record
      if (seq <= state.floor) continue
      const e = checkRecord(state, seq, values[i])
      if (e === undefined) {
        this.#bad(state, seq, out[out.length - 1])
        break
      }
      out.push(e)
    }
    return out
  }

  /**
   * An author's durable entries from `from` to `to` (inclusive), read and
   * checked as by {@link read}, at most `chunk` per datastore read; yields
   * each chunk as read. `to` may be a function, asked again before each
   * chunk, for a bound that moves while the scan runs (the delivered mark).
   */
  async * scan (state: AuthorState, from: number, to: number | (() => number), chunk = READ_CHUNK): AsyncGenerator<StoredEntry[]> {
    const end = typeof to === 'number' ? () => to : to
    for (let at = from; at <= end(); at += chunk) {
      yield await this.read(state, at, Math.min(end(), at + chunk - 1))
    }
  }

  /**
   * Several authors' durable entries with one datastore read: for each range
   * `[state, from, to]`, what {@link read} gives for it (checked the same way,
   * a bad record ending that author's entries there). Serving many authors
   * with a few entries each costs one read per group, not one per author.
   */
  async readMany (ranges: ReadonlyArray<readonly [AuthorState, number, number]>): Promise<StoredEntry[][]> {
    const keys: string[] = []
    const spans: Array<[number, number]> = []
    for (const [state, start, to] of ranges) {
      // below the floor nothing is held, as in read()
      const from = Math.max(start, state.floor + 1)
      const last = Math.min(to, state.durableSeq)
      spans.push([from, last])
      for (let seq = from; seq <= last; seq++) keys.push(this.#entryKey(state.authorHex, seq))
    }
    const values = keys.length === 0 ? [] : await this.#kv.getMany(keys)
    const out: StoredEntry[][] = []
    let at = 0
    for (let r = 0; r < ranges.length; r++) {
      const state = (ranges[r] as readonly [AuthorState, number, number])[0]
      const [from, last] = spans[r] as [number, number]
      const entries: StoredEntry[] = []
      let bad = false
      for (let seq = from; seq <= last; seq++, at++) {
        // bad: the rest of this author is skipped; pruned while this read was under way: not a bad record
        if (bad || seq <= state.floor) continue
        const e = checkRecord(state, seq, values[at])
        if (e === undefined) {
          this.#bad(state, seq, entries[entries.length - 1])
          bad = true
          continue
        }
        entries.push(e)
      }
      out.push(entries)
    }
    return out
  }

  #bad (state: AuthorState, seq: number, before: StoredEntry | undefined): void {
    const key = `${state.authorHex}/${seq}`
    const repair = !this.#keep.has(state.authorHex)
    if (!this.#quarantined.has(key)) {
      this.#quarantined.add(key)
      this.onCorrupt(state.authorHex, seq, repair)
    }
    if (repair) void this.#cutBack(state, seq, before).catch(() => {})
  }

  /** Drops an author's records from `seq` on and moves its head to `seq - 1`, so sync refetches them. */
  async #cutBack (state: AuthorState, seq: number, before: StoredEntry | undefined): Promise<void> {
    if (this.#repairing.has(state.authorHex)) return
    this.#repairing.add(state.authorHex)
    try {
      let prevId: Uint8Array | undefined = seq === 1 ? new Uint8Array(0) : seq - 1 === state.floor ? state.floorHead : before?.id
      if (prevId === undefined) {
        const [value] = await this.#kv.getMany([this.#entryKey(state.authorHex, seq - 1)])
        const prev = checkRecord(state, seq - 1, value)
        if (prev === undefined) {
          // the one before is bad too: repair from there
          this.#repairing.delete(state.authorHex)
          this.#bad(state, seq - 1, undefined)
          return
        }
        prevId = prev.id
      }
      // only cut a log that is all on disk and still reaches the bad record (above the floor)
      if (state.seq !== state.durableSeq || state.durableSeq < seq || seq <= state.floor) return
      const top = state.durableSeq
      state.seq = state.durableSeq = seq - 1
      state.head = state.durableHead = prevId
      this.#noteUndelivered(state)
      const ops: KvOp[] = []
      for (let s = seq; s <= top; s++) ops.push({ key: this.#entryKey(state.authorHex, s) })
      ops.push({ key: `${this.#base}/h/${state.authorHex}`, value: AuthorHead.encode({ author: pb(state.author), seq: seq - 1, head: pb(prevId) }) })
      for (let s = seq; s <= top; s++) this.#quarantined.delete(`${state.authorHex}/${s}`)
      await this.#committer.write(ops)
    } finally {
      this.#repairing.delete(state.authorHex)
    }
  }

  /**
   * Drops an author's durable entries up to `seq` (the front of its log) and
   * moves its floor there, in one atomic batch with the floor record and the
   * delivered watermark (what is dropped is never delivered later). `head` is
   * the id of the entry at `seq`, which the next entry links to.
   */
  async prune (state: AuthorState, seq: number, head: Uint8Array): Promise<void> {
    if (seq <= state.floor || seq > state.durableSeq) return
    const before = { floor: state.floor, floorHead: state.floorHead }
    // moved first: a read under way skips what this write deletes instead of taking it for a bad record
    state.floor = seq
    state.floorHead = head
    state.delivered = Math.max(state.delivered, seq)
    this.#noteUndelivered(state)
    const ops: KvOp[] = []
    for (let s = before.floor + 1; s <= seq; s++) ops.push({ key: this.#entryKey(state.authorHex, s) })
    ops.push(this.#floorOp(state), this.#deliveredOp(state))
    try {
      await this.#committer.write(ops)
    } catch (err) {
      // nothing was deleted: the records are held again
      state.floor = before.floor
      state.floorHead = before.floorHead
      throw err
    }
  }

  /**
   * Moves an author whose log ends below `seq` to a base at `seq` (an author's
   * signed checkpoint: its entries up to `seq` may be dropped, the one at
   * `seq` has id `head`): what is held of it is dropped, and its next entry
   * must link to `head`. Only for a log all on disk (false otherwise); the
   * caller keeps appends of this author out meanwhile. `moved` runs as soon
   * as the state has moved (before the write lands).
   */
  async rebase (state: AuthorState, seq: number, head: Uint8Array, moved: () => void = () => {}): Promise<boolean> {
    if (seq <= state.seq || state.seq !== state.durableSeq) return false
    const before = { seq: state.seq, head: state.head, floor: state.floor, floorHead: state.floorHead, delivered: state.delivered }
    state.seq = state.durableSeq = state.floor = seq
    state.head = state.durableHead = state.floorHead = head
    state.delivered = seq
    this.#noteUndelivered(state)
    moved()
    const ops: KvOp[] = []
    for (let s = before.floor + 1; s <= before.seq; s++) ops.push({ key: this.#entryKey(state.authorHex, s) })
    ops.push({ key: `${this.#base}/h/${state.authorHex}`, value: AuthorHead.encode({ author: pb(state.author), seq, head: pb(head) }) })
    ops.push(this.#floorOp(state), this.#deliveredOp(state))
    try {
      await this.#committer.write(ops)
    } catch (err) {
      state.seq = state.durableSeq = before.seq
      state.head = state.durableHead = before.head
      state.floor = before.floor
      state.floorHead = before.floorHead
      state.delivered = before.delivered
      this.#noteUndelivered(state)
      throw err
    }
    return true
  }

  #floorOp (state: AuthorState): KvOp {
    return { key: `${this.#base}/f/${state.authorHex}`, value: AuthorHead.encode({ author: pb(state.author), seq: state.floor, head: pb(state.floorHead) }) }
  }

  #deliveredOp (state: AuthorState): KvOp {
    return { key: `${this.#base}/d/${state.authorHex}`, value: AuthorHead.encode({ author: pb(state.author), seq: state.delivered }) }
  }

  /** Marks a stored entry's signature as checked (after checking it when serving it). */
  async markChecked (state: AuthorState, entry: StoredEntry): Promise<void> {
    const record = new Uint8Array(1 + 32 + entry.wire.length)
    record[0] = RECORD_SIGNATURE_CHECKED
    record.set(entry.id, 1)
    record.set(entry.wire, 33)
    entry.checked = true
    await this.#committer.write([{ key: this.#entryKey(state.authorHex, entry.seq), value: record }])
  }

  #entryKey (authorHex: string, seq: number): string {
    return `${this.#base}/e/${authorHex}/${seqKey(seq)}`
  }
}

/** The stored entry of a record if it is what it claims: its id is the hash of its wire, and the wire's seq and author match. */
function checkRecord (state: AuthorState, seq: number, value: Uint8Array | undefined): StoredEntry | undefined {
  if (value === undefined || value.length < 34) return undefined
  const id = value.subarray(1, 33)
  const wire = value.subarray(33)
  const w = decodeWire(wire)
  if (w === undefined || !sameBytes(w.id, id) || w.entry.seq !== seq || !sameBytes(w.entry.author, state.author)) return undefined
  return { seq, checked: ((value[0] as number) & RECORD_SIGNATURE_CHECKED) !== 0, id, wire }
}
