import { toHex } from './bytes.js'
import { StorageError, StoreFailedError } from './errors.js'
import { emptyAuthorState, encodeRecord } from './log/entry-record.js'
import { EntryReader, READ_CHUNK } from './log/entry-reader.js'
import { LogKeys, decodeHeadRecord } from './log/log-keys.js'
import { LogRepair } from './log/log-repair.js'
import type { AuthorState, StoredEntry } from './log/entry-record.js'
import type { GroupCommitter } from './group-commit.js'
import type { DurableStore, KvOp } from './kv.js'

export type { AuthorState, StoredEntry } from './log/entry-record.js'

/**
 * The log of one persistent pipeline in the node's datastore: for each
 * author, entries by seq with no gap, the head (seq and hash), and the
 * delivered watermark. Writes go through the node's group committer; the
 * head record of an author is written in the same atomic batch as its
 * entries, so after any crash the head names entries that are present.
 *
 * Its parts: the key layout and head records ({@link LogKeys}), the entry
 * record ({@link encodeRecord}), reads ({@link EntryReader}) and what a bad
 * record does ({@link LogRepair}); this class holds the author states and
 * the writes. The floor record is written only by {@link EntryStore.prune}
 * and {@link EntryStore.rebase}.
 */
export class EntryStore {
  readonly #kv: DurableStore
  readonly #committer: GroupCommitter
  readonly #keys: LogKeys
  readonly #reader: EntryReader
  readonly #repair: LogRepair
  readonly #authors = new Map<string, AuthorState>()
  /** Authors with durable entries not yet delivered: delivery visits these, not every author. */
  readonly #undelivered = new Set<AuthorState>()
  readonly #rolledBack = new Set<() => void>()
  /** Called once per bad record found (missing, undecodable, or not matching its id, seq or author). */
  onCorrupt: (authorHex: string, seq: number, repaired: boolean) => void = () => {}
  /** More writes for the batch that appends `entries` (the time index's keys), so they land or fail together. */
  indexOps: (state: AuthorState, entries: readonly StoredEntry[]) => KvOp[] = () => []
  readonly #unsubscribe: () => void

  constructor (kv: DurableStore, committer: GroupCommitter, pipeline: string) {
    this.#kv = kv
    this.#committer = committer
    this.#keys = new LogKeys(pipeline)
    this.#repair = new LogRepair(kv, committer, this.#keys, (authorHex, seq, repaired) => { this.onCorrupt(authorHex, seq, repaired) }, (state) => { this.#noteUndelivered(state) })
    this.#reader = new EntryReader(kv, this.#keys, this.#repair)
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
    this.#repair.keep(authorHex)
  }

  /** Stops following the committer (the pipeline is closed). */
  close (): void {
    this.#unsubscribe()
    this.#rolledBack.clear()
  }

  /** Loads heads and delivered watermarks. */
  async open (): Promise<void> {
    for await (const { key, value } of this.#kv.scan(this.#keys.prefix('h'))) {
      const head = decodeHeadRecord(key, value)
      const state = this.ensure(head.author)
      state.seq = state.durableSeq = head.seq
      state.head = state.durableHead = head.head
    }
    for await (const { key, value } of this.#kv.scan(this.#keys.prefix('d'))) {
      const mark = decodeHeadRecord(key, value)
      const state = this.ensure(mark.author)
      state.delivered = Math.min(mark.seq, state.durableSeq)
    }
    for await (const { key, value } of this.#kv.scan(this.#keys.prefix('f'))) {
      const floor = decodeHeadRecord(key, value)
      const state = this.ensure(floor.author)
      state.floor = Math.min(floor.seq, state.durableSeq)
      state.floorHead = floor.head
      state.delivered = Math.max(state.delivered, state.floor)
    }
    for (const state of this.#authors.values()) this.#noteUndelivered(state)
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
      state = emptyAuthorState(author, authorHex)
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
      ops.push({ key: this.#keys.entry(state.authorHex, e.seq), value: encodeRecord(e) })
      state.pending.set(e.seq, e.idHex ?? toHex(e.id))
    }
    ops.push(this.#keys.headOp(state, last.seq, last.id))
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
    await this.#committer.write([this.#keys.deliveredOp(state)])
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
    return await this.#reader.read(state, from, to)
  }

  /**
   * An author's durable entries from `from` to `to` (inclusive), read and
   * checked as by {@link read}, at most `chunk` per datastore read; yields
   * each chunk as read. `to` may be a function, asked again before each
   * chunk, for a bound that moves while the scan runs (the delivered mark).
   */
  scan (state: AuthorState, from: number, to: number | (() => number), chunk = READ_CHUNK): AsyncGenerator<StoredEntry[]> {
    return this.#reader.scan(state, from, to, chunk)
  }

  /**
   * Several authors' durable entries with one datastore read: for each range
   * `[state, from, to]`, what {@link read} gives for it (checked the same way,
   * a bad record ending that author's entries there). Serving many authors
   * with a few entries each costs one read per group, not one per author.
   */
  async readMany (ranges: ReadonlyArray<readonly [AuthorState, number, number]>): Promise<StoredEntry[][]> {
    return await this.#reader.readMany(ranges)
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
    for (let s = before.floor + 1; s <= seq; s++) ops.push({ key: this.#keys.entry(state.authorHex, s) })
    ops.push(this.#keys.floorOp(state), this.#keys.deliveredOp(state))
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
    for (let s = before.floor + 1; s <= before.seq; s++) ops.push({ key: this.#keys.entry(state.authorHex, s) })
    ops.push(this.#keys.headOp(state, seq, head))
    ops.push(this.#keys.floorOp(state), this.#keys.deliveredOp(state))
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

  /** Marks a stored entry's signature as checked (after checking it when serving it). */
  async markChecked (state: AuthorState, entry: StoredEntry): Promise<void> {
    entry.checked = true
    await this.#committer.write([{ key: this.#keys.entry(state.authorHex, entry.seq), value: encodeRecord(entry) }])
  }
}
