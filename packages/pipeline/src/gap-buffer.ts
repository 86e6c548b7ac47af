import type { VerifiedEntry } from './entry-verify.js'

/**
 * Verified entries that arrived before their predecessors, per author, until
 * the gap fills. Bounded in entries and bytes, overall and per author (so
 * one author cannot take the room of every other): when full, new
 * out-of-order entries are dropped (sync fetches them again) and counted.
 */
export class GapBuffer {
  readonly #byAuthor = new Map<string, Map<number, VerifiedEntry>>()
  readonly #maxEntries: number
  readonly #maxBytes: number
  readonly #maxPerAuthor: number
  readonly #authorBytes = new Map<string, number>()
  readonly #maxAuthorBytes: number
  #entries = 0
  #bytes = 0
  dropped = 0

  constructor (maxEntries = 4096, maxBytes = 32 * 1024 * 1024, maxPerAuthor = 512, maxAuthorBytes = 4 * 1024 * 1024) {
    this.#maxEntries = maxEntries
    this.#maxBytes = maxBytes
    this.#maxPerAuthor = maxPerAuthor
    this.#maxAuthorBytes = maxAuthorBytes
  }

  get size (): number { return this.#entries }

  /** Keeps an entry; false when the buffer is full (the entry is dropped). The first entry kept for a seq wins. */
  add (authorHex: string, e: VerifiedEntry): boolean {
    let seqs = this.#byAuthor.get(authorHex)
    if (seqs?.has(e.entry.seq) === true) return true
    const authorBytes = this.#authorBytes.get(authorHex) ?? 0
    if (this.#entries >= this.#maxEntries || this.#bytes + e.wire.length > this.#maxBytes ||
      (seqs?.size ?? 0) >= this.#maxPerAuthor || authorBytes + e.wire.length > this.#maxAuthorBytes) {
      this.dropped++
      return false
    }
    if (seqs === undefined) {
      seqs = new Map()
      this.#byAuthor.set(authorHex, seqs)
    }
    seqs.set(e.entry.seq, e)
    this.#entries++
    this.#bytes += e.wire.length
    this.#authorBytes.set(authorHex, authorBytes + e.wire.length)
    return true
  }

  /** Takes out the entry at `seq`, if kept. */
  take (authorHex: string, seq: number): VerifiedEntry | undefined {
    const seqs = this.#byAuthor.get(authorHex)
    const e = seqs?.get(seq)
    if (seqs === undefined || e === undefined) return undefined
    seqs.delete(seq)
    const left = (this.#authorBytes.get(authorHex) ?? 0) - e.wire.length
    if (seqs.size === 0) {
      this.#byAuthor.delete(authorHex)
      this.#authorBytes.delete(authorHex)
    } else {
      this.#authorBytes.set(authorHex, left)
    }
    this.#entries--
    this.#bytes -= e.wire.length
    return e
  }

  /** Drops every kept entry of an author at or below `seq` (they were filled another way). */
  dropUpTo (authorHex: string, seq: number): void {
    const seqs = this.#byAuthor.get(authorHex)
    if (seqs === undefined) return
    for (const s of [...seqs.keys()]) {
      if (s <= seq) this.take(authorHex, s)
    }
  }
}
