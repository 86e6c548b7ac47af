import { decodeStored, READ_CHUNK } from '../delivery.js'
import { EntryStore } from '../entry-store.js'
import { OwnLog } from './own-log.js'
import type { NodeContext } from '../context.js'
import type { Deliverable } from '../delivery.js'

/**
 * The log of a stored pipeline: the entry store (every author's entries,
 * checked when read back) and our own log in it. Opening it loads our
 * entries and moves our clock past the last one.
 */
export class PipelineLog {
  readonly store: EntryStore
  readonly #ctx: NodeContext
  readonly #name: string
  readonly #flags: number
  #own: OwnLog | undefined

  /** `flags`: the kind flags of every entry we write here. */
  constructor (ctx: NodeContext, name: string, flags: number) {
    this.#ctx = ctx
    this.#name = name
    this.#flags = flags
    this.store = new EntryStore(ctx.kv, ctx.committer, name)
    this.store.onCorrupt = (_author, _seq, repaired) => {
      ctx.stats.corruptRecords++
      // peers hold what was cut back
      if (repaired) ctx.requestSync()
    }
  }

  /** Our own log; undefined until `open` is done. */
  get own (): OwnLog | undefined { return this.#own }

  /** Opens the store and loads our own log. */
  async open (): Promise<OwnLog> {
    await this.store.open()
    const own = new OwnLog(this.#ctx, this.store, this.#name, this.#flags)
    const last = await own.load()
    if (last !== undefined) this.#ctx.clock.restore(last)
    this.#own = own
    return own
  }

  /** Every durable entry, author by author in seq order, decoded (payloads not opened); read a chunk at a time. */
  async * scan (): AsyncIterable<Deliverable> {
    for (const state of this.store.sortedAuthors()) {
      const last = state.durableSeq
      for (let from = 1; from <= last; from += READ_CHUNK) {
        yield * decodeStored(await this.store.read(state, from, Math.min(last, from + READ_CHUNK - 1)))
      }
    }
  }

  close (): void {
    this.store.close()
  }
}
