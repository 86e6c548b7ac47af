import { decodeStored } from '../delivery.js'
import { EntryStore } from '../entry-store.js'
import { OwnLog } from './own-log.js'
import { TimeIndex } from './time-index.js'
import type { NodeContext } from '../context.js'
import type { Deliverable } from '../delivery.js'
import type { AuthorState } from '../entry-store.js'

/**
 * The log of a stored pipeline: the entry store (every author's entries,
 * checked when read back) and our own log in it. Opening it loads our
 * entries and moves our clock past the last one.
 */
export class PipelineLog {
  readonly store: EntryStore
  /** The time index beside the log (written with its entries). */
  readonly index: TimeIndex
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
    this.index = new TimeIndex(ctx.kv, ctx.committer, name)
    this.store.indexOps = (state, entries) => this.index.opsFor(state, entries)
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
    await this.index.open(this.store)
    const own = new OwnLog(this.#ctx, this.store, this.#name, this.#flags)
    const last = await own.load()
    if (last !== undefined) this.#ctx.clock.restore(last)
    this.#own = own
    return own
  }

  /** Every durable entry, author by author in seq order, decoded (payloads not opened); read a chunk at a time. */
  async * scan (): AsyncIterable<Deliverable> {
    for (const state of this.store.sortedAuthors()) {
      // below the floor (a dropped front) nothing is held
      for await (const chunk of this.store.scan(state, state.floor + 1, state.durableSeq)) yield * decodeStored(chunk)
    }
  }

  /**
   * Moves an author's log that ends below `seq` to a base at `seq` whose
   * entry has id `head` (see `EntryStore.rebase`). Our own log too (our key
   * wrote that much elsewhere, e.g. a restored identity), but only while no
   * put of ours is in flight; our next put then follows on after `seq`
   * instead of reusing its seqs. The caller holds ingest off.
   */
  async rebase (state: AuthorState, seq: number, head: Uint8Array): Promise<boolean> {
    const own = this.#own
    if (own === undefined || state !== own.state) return await this.store.rebase(state, seq, head)
    if (!own.quiet) return false
    try {
      return await this.store.rebase(state, seq, head, () => { own.adopted() })
    } finally {
      // after a failed write too: the state is back where it was
      own.adopted()
    }
  }

  close (): void {
    this.store.close()
  }
}
