import { unref } from './timers.js'
import type { NodeContext } from './context.js'
import type { VerifiedEntry } from './entry-verify.js'

/** An entry kept ahead of a gap, and since when. */
interface Waiting {
  readonly e: VerifiedEntry
  readonly at: number
}

/** What the gap buffer does with entries that waited too long. */
export interface GapExpiry {
  /** How long an entry may wait for its gap to fill, in ms. Default 60 s. */
  ttlMs?: number
  /** Told how many entries just expired. */
  onExpired?: (count: number) => void
}

/**
 * Verified entries that arrived before their predecessors, per author, until
 * the gap fills. Bounded in entries and bytes, overall and per author (so
 * one author cannot take the room of every other), and in time: when full,
 * new out-of-order entries are dropped, and an entry that waited longer
 * than the TTL is dropped too (sync fetches them again); both are counted.
 * Expiry runs on an unref'd timer that stops when the buffer is empty.
 */
export class GapBuffer {
  readonly #byAuthor = new Map<string, Map<number, Waiting>>()
  readonly #maxEntries: number
  readonly #maxBytes: number
  readonly #maxPerAuthor: number
  readonly #authorBytes = new Map<string, number>()
  readonly #maxAuthorBytes: number
  readonly #ttlMs: number
  readonly #onExpired: (count: number) => void
  #sweep: ReturnType<typeof setTimeout> | undefined
  #entries = 0
  #bytes = 0
  dropped = 0

  constructor (maxEntries = 4096, maxBytes = 32 * 1024 * 1024, maxPerAuthor = 512, maxAuthorBytes = 4 * 1024 * 1024, expiry: GapExpiry = {}) {
    this.#maxEntries = maxEntries
    this.#maxBytes = maxBytes
    this.#maxPerAuthor = maxPerAuthor
    this.#maxAuthorBytes = maxAuthorBytes
    this.#ttlMs = expiry.ttlMs ?? 60_000
    this.#onExpired = expiry.onExpired ?? (() => {})
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
    seqs.set(e.entry.seq, { e, at: Date.now() })
    this.#entries++
    this.#bytes += e.wire.length
    this.#authorBytes.set(authorHex, authorBytes + e.wire.length)
    this.#armSweep()
    return true
  }

  /** Takes out the entry at `seq`, if kept. */
  take (authorHex: string, seq: number): VerifiedEntry | undefined {
    const seqs = this.#byAuthor.get(authorHex)
    const w = seqs?.get(seq)
    if (seqs === undefined || w === undefined) return undefined
    seqs.delete(seq)
    const left = (this.#authorBytes.get(authorHex) ?? 0) - w.e.wire.length
    if (seqs.size === 0) {
      this.#byAuthor.delete(authorHex)
      this.#authorBytes.delete(authorHex)
    } else {
      this.#authorBytes.set(authorHex, left)
    }
    this.#entries--
    this.#bytes -= w.e.wire.length
    return w.e
  }

  /** Drops every kept entry of an author at or below `seq` (they were filled another way). */
  dropUpTo (authorHex: string, seq: number): void {
    const seqs = this.#byAuthor.get(authorHex)
    if (seqs === undefined) return
    for (const s of [...seqs.keys()]) {
      if (s <= seq) this.take(authorHex, s)
    }
  }

  /** Drops every entry kept since before `before` (ms since the epoch); returns how many. */
  expire (before: number): number {
    let n = 0
    for (const [authorHex, seqs] of [...this.#byAuthor]) {
      for (const [seq, w] of [...seqs]) {
        if (w.at < before && this.take(authorHex, seq) !== undefined) n++
      }
    }
    if (n > 0) this.#onExpired(n)
    return n
  }

  /** While entries wait, looks at them every half TTL. */
  #armSweep (): void {
    if (this.#sweep !== undefined || this.#entries === 0) return
    this.#sweep = setTimeout(() => {
      this.#sweep = undefined
      this.expire(Date.now() - this.#ttlMs)
      this.#armSweep()
    }, Math.max(10, Math.ceil(this.#ttlMs / 2)))
    unref(this.#sweep)
  }
}

/** The gap buffer of a persistent pipeline of this node: its bounds from `ctx.buffers`, expiries counted in the node's stats. */
export function gapBufferFor (ctx: NodeContext): GapBuffer {
  const b = ctx.buffers
  return new GapBuffer(b.gapEntries, b.gapBytes, b.gapAuthorEntries, b.gapAuthorBytes, {
    ttlMs: b.gapTtlMs,
    onExpired: (n) => { ctx.stats.gapExpired += n }
  })
}
