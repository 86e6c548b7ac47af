import { checkRecord } from './entry-record.js'
import type { AuthorState, StoredEntry } from './entry-record.js'
import type { LogKeys } from './log-keys.js'
import type { LogRepair } from './log-repair.js'
import type { DurableStore } from '../kv.js'

/** Entries read from the store at a time when delivering, replaying or scanning. */
export const READ_CHUNK = 256

/**
 * Reads of a log's durable entries, each record checked against what it
 * claims; a bad one ends that author's read there and goes to the repair.
 */
export class EntryReader {
  readonly #kv: DurableStore
  readonly #keys: LogKeys
  readonly #repair: LogRepair

  constructor (kv: DurableStore, keys: LogKeys, repair: LogRepair) {
    this.#kv = kv
    this.#keys = keys
    this.#repair = repair
  }

  /** Entries of an author from `from` to `to` (inclusive), as {@link EntryStore.read} describes. */
  async read (state: AuthorState, from: number, to: number): Promise<StoredEntry[]> {
    // below the floor nothing is held (dropped on purpose, not lost)
    from = Math.max(from, state.floor + 1)
    const last = Math.min(to, state.durableSeq)
    if (from > last) return []
    const keys: string[] = []
    for (let seq = from; seq <= last; seq++) keys.push(this.#keys.entry(state.authorHex, seq))
    const values = await this.#kv.getMany(keys)
    const out: StoredEntry[] = []
    for (let i = 0; i < values.length; i++) {
      const seq = from + i
      // pruned while this read was under way: not a bad record
      if (seq <= state.floor) continue
      const e = checkRecord(state, seq, values[i])
      if (e === undefined) {
        this.#repair.bad(state, seq, out[out.length - 1])
        break
      }
      out.push(e)
    }
    return out
  }

  /** An author's entries in chunks, as {@link EntryStore.scan} describes. */
  async * scan (state: AuthorState, from: number, to: number | (() => number), chunk = READ_CHUNK): AsyncGenerator<StoredEntry[]> {
    const end = typeof to === 'number' ? () => to : to
    for (let at = from; at <= end(); at += chunk) {
      yield await this.read(state, at, Math.min(end(), at + chunk - 1))
    }
  }

  /** Several authors' entries with one datastore read, as {@link EntryStore.readMany} describes. */
  async readMany (ranges: ReadonlyArray<readonly [AuthorState, number, number]>): Promise<StoredEntry[][]> {
    const keys: string[] = []
    const spans: Array<[number, number]> = []
    for (const [state, start, to] of ranges) {
      // below the floor nothing is held, as in read()
      const from = Math.max(start, state.floor + 1)
      const last = Math.min(to, state.durableSeq)
      spans.push([from, last])
      for (let seq = from; seq <= last; seq++) keys.push(this.#keys.entry(state.authorHex, seq))
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
          this.#repair.bad(state, seq, entries[entries.length - 1])
          bad = true
          continue
        }
        entries.push(e)
      }
      out.push(entries)
    }
    return out
  }
}
