import { toHex } from '../bytes.js'
import type { NodeContext } from '../context.js'
import type { OwnLog } from '../log/own-log.js'
import type { AuthorHead } from '../sync.pb.js'

/**
 * Delivery receipts of one persistent pipeline: from the version vectors
 * peers send, the highest of our seqs each peer holds (with every seq below
 * it, and with our hash at that seq, so a peer holding a fork of our log is
 * not counted).
 */
export class ReceiptBook {
  readonly #pipeline: string
  readonly #target: EventTarget
  readonly #ctx: NodeContext
  readonly #held = new Map<string, number>()
  #own: OwnLog | undefined

  constructor (pipeline: string, target: EventTarget, ctx: NodeContext) {
    this.#pipeline = pipeline
    this.#target = target
    this.#ctx = ctx
  }

  attach (own: OwnLog): void {
    this.#own = own
  }

  /** Peers known to hold our packet `idHex`. */
  holders (idHex: string): string[] {
    const seq = this.#own?.seqOf(idHex)
    if (seq === undefined) return []
    const out: string[] = []
    for (const [peer, held] of this.#held) if (held >= seq) out.push(peer)
    return out.sort()
  }

  /** Takes a peer's vector; emits `receipt` when the peer holds more of ours than we knew. */
  note (peer: string, heads: AuthorHead[]): void {
    const own = this.#own
    if (own === undefined) return
    const authorHex = own.state.authorHex
    const mine = heads.find(h => toHex(h.author) === authorHex)
    if (mine === undefined || mine.seq < 1) return
    // the peer holds ours only if its head at that seq is our entry: a head we
    // never wrote (another store of this identity) or do not know proves nothing
    if (own.idAt(mine.seq) !== toHex(mine.head)) return
    const before = this.#held.get(peer) ?? 0
    // a peer may be ahead of what is durable here while our entries are in commit
    const seq = Math.min(mine.seq, own.ids.length)
    if (seq <= before) return
    this.#held.set(peer, seq)
    const detail = { pipeline: this.#pipeline, peer, seq, ids: own.ids.slice(before, seq).filter((id): id is string => id !== undefined) }
    this.#target.dispatchEvent(new CustomEvent('receipt', { detail }))
    this.#ctx.receipt(detail)
  }
}
