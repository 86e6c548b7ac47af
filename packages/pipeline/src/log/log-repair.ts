import { checkRecord } from './entry-record.js'
import type { AuthorState, StoredEntry } from './entry-record.js'
import type { LogKeys } from './log-keys.js'
import type { GroupCommitter } from '../group-commit.js'
import type { DurableStore, KvOp } from '../kv.js'

/**
 * What the log does with a bad record (missing, undecodable, or not
 * matching its id, seq or author): reports it once (quarantine), and cuts
 * the author's log back to the last good entry so sync fetches the rest
 * again from peers (repair), except for authors it must keep whole.
 */
export class LogRepair {
  readonly #kv: DurableStore
  readonly #committer: GroupCommitter
  readonly #keys: LogKeys
  readonly #report: (authorHex: string, seq: number, repaired: boolean) => void
  readonly #moved: (state: AuthorState) => void
  /** Bad records seen (`<author>/<seq>`), so each is reported once. */
  readonly #quarantined = new Set<string>()
  /** Authors whose log is never cut back (our own: a new entry at a cut seq would fork our history). */
  readonly #keep = new Set<string>()
  readonly #repairing = new Set<string>()

  /** `report` is told of each bad record once; `moved` after a cut moved an author's state back. */
  constructor (kv: DurableStore, committer: GroupCommitter, keys: LogKeys, report: (authorHex: string, seq: number, repaired: boolean) => void, moved: (state: AuthorState) => void) {
    this.#kv = kv
    this.#committer = committer
    this.#keys = keys
    this.#report = report
    this.#moved = moved
  }

  /** Never cuts this author's log back when a record of it is bad (it is quarantined only). */
  keep (authorHex: string): void {
    this.#keep.add(authorHex)
  }

  /** The author's record at `seq` is bad; `before` is the good entry just below it, when the caller read it. */
  bad (state: AuthorState, seq: number, before: StoredEntry | undefined): void {
    const key = `${state.authorHex}/${seq}`
    const repair = !this.#keep.has(state.authorHex)
    if (!this.#quarantined.has(key)) {
      this.#quarantined.add(key)
      this.#report(state.authorHex, seq, repair)
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
        const [value] = await this.#kv.getMany([this.#keys.entry(state.authorHex, seq - 1)])
        const prev = checkRecord(state, seq - 1, value)
        if (prev === undefined) {
          // the one before is bad too: repair from there
          this.#repairing.delete(state.authorHex)
          this.bad(state, seq - 1, undefined)
          return
        }
        prevId = prev.id
      }
      // only cut a log that is all on disk and still reaches the bad record (above the floor)
      if (state.seq !== state.durableSeq || state.durableSeq < seq || seq <= state.floor) return
      const top = state.durableSeq
      state.seq = state.durableSeq = seq - 1
      state.head = state.durableHead = prevId
      this.#moved(state)
      const ops: KvOp[] = []
      for (let s = seq; s <= top; s++) ops.push({ key: this.#keys.entry(state.authorHex, s) })
      ops.push(this.#keys.headOp(state, seq - 1, prevId))
      for (let s = seq; s <= top; s++) this.#quarantined.delete(`${state.authorHex}/${s}`)
      await this.#committer.write(ops)
    } finally {
      this.#repairing.delete(state.authorHex)
    }
  }
}
