import type { DurableStore, KvOp } from './kv.js'

interface Waiting {
  ops: KvOp[]
  bytes: number
  /** Runs synchronously once the batch holding `ops` is written, before any later batch starts. */
  landed?: () => void
  resolve: () => void
  reject: (err: unknown) => void
}

/** Counters of a group committer. */
export interface CommitStats {
  /** Batches written (each one synced write). */
  commits: number
  /** Operations written in them. */
  ops: number
  /** Batches whose write failed. */
  failed: number
}

/** Bounds of what may wait for a commit before writers are held back. */
export interface CommitLimits {
  /** Most operations in one batch. */
  maxOps: number
  /** Queued operations above which `room()` waits. */
  maxQueuedOps: number
  /** Queued bytes (keys and values) above which `room()` waits. */
  maxQueuedBytes: number
}

export const DEFAULT_COMMIT_LIMITS: CommitLimits = { maxOps: 8192, maxQueuedOps: 32768, maxQueuedBytes: 64 * 1024 * 1024 }

function bytesOf (ops: KvOp[]): number {
  let n = 0
  for (const op of ops) n += op.key.length + (op.value?.length ?? 0)
  return n
}

/**
 * Group commit: writes that arrive while a batch is being written wait and
 * go together in the next batch, so one synced write commits many
 * concurrent puts. The first write after a quiet period goes at once (no
 * added latency); under load, batches grow up to `maxOps`.
 *
 * A failed batch fails every write queued behind it too (they may build on
 * it: an author's next entries, a head record), then tells the failure
 * listeners synchronously so the logs roll back before anyone writes again.
 */
export class GroupCommitter {
  readonly #kv: DurableStore
  readonly #limits: CommitLimits
  #queue: Waiting[] = []
  #queuedOps = 0
  #queuedBytes = 0
  /** Room held by writers let in by `room()` for writes they are about to make. */
  #reservedOps = 0
  #reservedBytes = 0
  #running: Promise<void> | undefined
  /** The last write of the batch being written now. */
  #writing: Waiting | undefined
  /** Writers waiting for the queue to drain below its bounds. */
  #roomWaiters: Array<() => void> = []
  readonly #onFailure = new Set<(err: unknown) => void>()
  readonly stats: CommitStats = { commits: 0, ops: 0, failed: 0 }

  constructor (kv: DurableStore, limits: Partial<CommitLimits> = {}) {
    this.#kv = kv
    this.#limits = { ...DEFAULT_COMMIT_LIMITS, ...limits }
  }

  /** Operations and bytes waiting for a commit now. */
  get queued (): { ops: number, bytes: number } { return { ops: this.#queuedOps, bytes: this.#queuedBytes } }

  /** Calls `fn` synchronously whenever a batch fails; returns the unsubscribe. */
  onFailure (fn: (err: unknown) => void): () => void {
    this.#onFailure.add(fn)
    return () => { this.#onFailure.delete(fn) }
  }

  /**
   * Resolves once `ops` are written (atomically, with whatever else shares
   * their batch). `landed` runs synchronously at that moment, before a
   * later batch can fail and roll back.
   */
  async write (ops: KvOp[], landed?: () => void): Promise<void> {
    if (ops.length === 0) { landed?.(); return }
    const bytes = bytesOf(ops)
    const done = new Promise<void>((resolve, reject) => { this.#queue.push({ ops, bytes, landed, resolve, reject }) })
    this.#queuedOps += ops.length
    this.#queuedBytes += bytes
    if (this.#running === undefined) this.#running = this.#run()
    await done
  }

  /**
   * Resolves when the queue is within its bounds: writers of bulk input
   * (sync batches, puts) await it before taking more. With `ops` and
   * `bytes`, the caller is let in with that much room held for the writes it
   * is about to make, until it calls the returned release: writers let in at
   * the same moment (a burst of puts, each still signing) count against the
   * bounds before their writes are queued, so together they cannot overrun them.
   */
  async room (ops = 0, bytes = 0): Promise<() => void> {
    while (this.#full()) await new Promise<void>(resolve => { this.#roomWaiters.push(resolve) })
    if (ops === 0 && bytes === 0) return () => {}
    this.#reservedOps += ops
    this.#reservedBytes += bytes
    let held = true
    return () => {
      if (!held) return
      held = false
      this.#reservedOps -= ops
      this.#reservedBytes -= bytes
      this.#wakeWriters()
    }
  }

  #full (): boolean {
    return this.#queuedOps + this.#reservedOps > this.#limits.maxQueuedOps || this.#queuedBytes + this.#reservedBytes > this.#limits.maxQueuedBytes
  }

  /**
   * A barrier: resolves once every write queued before this call is written
   * or failed. Writes queued later do not hold it up.
   */
  async flush (): Promise<void> {
    const last = this.#queue[this.#queue.length - 1] ?? this.#writing
    if (last === undefined) return
    await new Promise<void>(resolve => {
      const { resolve: res, reject } = last
      last.resolve = () => { res(); resolve() }
      last.reject = (err) => { reject(err); resolve() }
    })
  }

  #dequeued (w: Waiting): void {
    this.#queuedOps -= w.ops.length
    this.#queuedBytes -= w.bytes
  }

  #wakeWriters (): void {
    if (this.#full()) return
    for (const wake of this.#roomWaiters.splice(0)) wake()
  }

  async #run (): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group: Waiting[] = []
        let count = 0
        while (this.#queue.length > 0 && (group.length === 0 || count + (this.#queue[0] as Waiting).ops.length <= this.#limits.maxOps)) {
          const next = this.#queue.shift() as Waiting
          group.push(next)
          count += next.ops.length
        }
        const ops = group.length === 1 ? (group[0] as Waiting).ops : group.flatMap(w => w.ops)
        this.#writing = group[group.length - 1]
        try {
          await this.#kv.batch(ops, { sync: true })
        } catch (err) {
          this.#writing = undefined
          // what is queued behind a failed batch may build on it: fail it too
          const failed = group.concat(this.#queue.splice(0))
          for (const w of failed) this.#dequeued(w)
          this.stats.failed++
          for (const fn of this.#onFailure) {
            try { fn(err) } catch { /* a listener's failure is its own */ }
          }
          for (const w of failed) w.reject(err)
          this.#wakeWriters()
          continue
        }
        this.#writing = undefined
        this.stats.commits++
        this.stats.ops += ops.length
        for (const w of group) {
          this.#dequeued(w)
          try { w.landed?.() } catch { /* a listener's failure is its own */ }
        }
        for (const w of group) w.resolve()
        this.#wakeWriters()
      }
    } finally {
      this.#running = undefined
    }
  }
}
