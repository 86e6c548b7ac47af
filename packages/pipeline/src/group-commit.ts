import type { Kv, KvOp } from './kv.js'

interface Waiting {
  ops: KvOp[]
  resolve: () => void
  reject: (err: unknown) => void
}

/** Counters of a group committer. */
export interface CommitStats {
  /** Batches written (each one synced write). */
  commits: number
  /** Operations written in them. */
  ops: number
}

/**
 * Group commit: writes that arrive while a batch is being written wait and
 * go together in the next batch, so one synced write commits many
 * concurrent puts. The first write after a quiet period goes at once (no
 * added latency); under load, batches grow up to `maxOps`.
 */
export class GroupCommitter {
  readonly #kv: Kv
  readonly #maxOps: number
  #queue: Waiting[] = []
  #running: Promise<void> | undefined
  readonly stats: CommitStats = { commits: 0, ops: 0 }

  constructor (kv: Kv, maxOps = 8192) {
    this.#kv = kv
    this.#maxOps = maxOps
  }

  /** Resolves once `ops` are written (atomically, with whatever else shares their batch). */
  async write (ops: KvOp[]): Promise<void> {
    if (ops.length === 0) return
    const done = new Promise<void>((resolve, reject) => { this.#queue.push({ ops, resolve, reject }) })
    this.#running ??= this.#run()
    await done
  }

  /** Resolves once every write queued so far is written (or failed). */
  async flush (): Promise<void> {
    while (this.#running !== undefined) await this.#running
  }

  async #run (): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group: Waiting[] = []
        let count = 0
        while (this.#queue.length > 0 && (group.length === 0 || count + (this.#queue[0] as Waiting).ops.length <= this.#maxOps)) {
          const next = this.#queue.shift() as Waiting
          group.push(next)
          count += next.ops.length
        }
        const ops = group.length === 1 ? (group[0] as Waiting).ops : group.flatMap(w => w.ops)
        try {
          await this.#kv.write(ops)
          this.stats.commits++
          this.stats.ops += ops.length
          for (const w of group) w.resolve()
        } catch (err) {
          for (const w of group) w.reject(err)
        }
      }
    } finally {
      this.#running = undefined
    }
  }
}
