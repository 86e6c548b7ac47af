import type { SyncFrame } from '../sync.pb.js'

/** Most received batches being checked and stored at once (of different authors; one author's go in order). */
export const INGEST_WINDOW_BATCHES = 64
/** Most bytes of received batches being checked and stored at once. */
export const INGEST_WINDOW_BYTES = 8 * 1024 * 1024

/** Bytes of the entries a frame carries (what a batch holds in the window). */
export function frameBytes (frame: SyncFrame): number {
  let n = 0
  for (const e of frame.entries) n += e.length
  return n
}

/**
 * Received batches in flight: batches of different authors are checked
 * (signatures) and stored concurrently, so a sync of many authors with a
 * few entries each is not one verification round trip per author; batches
 * of one author are taken strictly in order, each after the one before it
 * is in the log (the session drains the window between pipelines, so one
 * pipeline's batches follow the one before it). Bounded by count and
 * bytes: `add` waits for room, so a peer's frames are not read faster than
 * they are taken in. The first failure is rethrown by the next `add` or
 * `drain`.
 */
export class IngestWindow {
  readonly #maxBatches: number
  readonly #maxBytes: number
  /** The last batch of each author in flight. */
  readonly #tails = new Map<string, Promise<void>>()
  #count = 0
  #bytes = 0
  #failure: { err: unknown } | undefined
  #wake: (() => void) | undefined

  constructor (maxBatches: number, maxBytes: number) {
    this.#maxBatches = maxBatches
    this.#maxBytes = maxBytes
  }

  /** Starts `task` after the author's batch in flight (if any); resolves once there is room for the next. */
  async add (author: string, bytes: number, task: () => Promise<void>): Promise<void> {
    this.#check()
    const before = this.#tails.get(author)
    const run = (before === undefined ? task() : before.then(task))
      .catch((err: unknown) => { this.#failure ??= { err } })
      .finally(() => {
        this.#count--
        this.#bytes -= bytes
        if (this.#tails.get(author) === run) this.#tails.delete(author)
        this.#wake?.()
      })
    this.#tails.set(author, run)
    this.#count++
    this.#bytes += bytes
    while (this.#count >= this.#maxBatches || (this.#bytes >= this.#maxBytes && this.#count > 1)) await this.#changed()
    this.#check()
  }

  /** Resolves once every batch in flight is taken in; rethrows the first failure. */
  async drain (): Promise<void> {
    while (this.#count > 0) await this.#changed()
    this.#check()
  }

  /** The session failed: failures of what is still in flight are dropped (the session reports its own). */
  abandon (): void {
    this.#failure = undefined
  }

  async #changed (): Promise<void> {
    await new Promise<void>(resolve => { this.#wake = resolve })
    this.#wake = undefined
  }

  #check (): void {
    const failure = this.#failure
    if (failure !== undefined) {
      this.#failure = undefined
      throw failure.err
    }
  }
}
