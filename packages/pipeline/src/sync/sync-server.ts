import { sameBytes } from '../bytes.js'
import { missingBatches, vectorOf } from '../serving.js'
import { ReceiptBook } from './receipts.js'
import type { NodeContext } from '../context.js'
import type { OwnLog } from '../log/own-log.js'
import type { PipelineLog } from '../log/pipeline-log.js'
import type { BatchLimits } from '../serving.js'
import type { AuthorHead } from '../sync.pb.js'
import type { CheckpointCarrier } from '../sync-session.js'

/** What the sync server of a stored pipeline needs from it. */
export interface SyncServerHost {
  readonly ctx: NodeContext
  readonly name: string
  readonly log: PipelineLog
  /** Where `receipt` events go (the pipeline). */
  readonly events: EventTarget
  closed (): boolean
  /** The kind's signed checkpoints, named in our vector (the mailbox). */
  readonly checkpoints?: CheckpointCarrier | undefined
}

/**
 * The sync server of a stored pipeline: our version vector, what a peer's
 * vector says (delivery receipts for our packets, our own head for a
 * restored identity), and the batches a peer lacks. Sessions themselves
 * (`sync-session.ts`) and when they run (`sync-scheduler.ts`) are the node's.
 */
export class SyncServer {
  readonly #host: SyncServerHost
  readonly #receipts: ReceiptBook
  /** Our head in the vector a peer is sending, per peer, until its last page. */
  readonly #ownHeadOf = new Map<string, number>()

  constructor (host: SyncServerHost) {
    this.#host = host
    this.#receipts = new ReceiptBook(host.name, host.events, host.ctx)
  }

  /** Starts taking receipts for our own log (once the log is open). */
  attach (own: OwnLog): void {
    this.#receipts.attach(own)
  }

  /** Peers known to hold our packet `packetId`. */
  holders (packetId: string): string[] {
    return this.#receipts.holders(packetId)
  }

  /** Our version vector: for each author, the durable contiguous seq and its head (and the seq of its checkpoint we hold, for a kind with checkpoints). */
  vector (): AuthorHead[] {
    const heads = vectorOf(this.#host.log.store)
    this.#host.checkpoints?.markVector(heads)
    return heads
  }

  /**
   * Notes a peer's vector: delivery receipts for our packets, and our own
   * head for a restored identity. A head that differs from ours is an
   * unsigned claim and raises no fork; serving answers it with our signed
   * entry (see `missingFor`).
   */
  noteVector (peer: string, heads: AuthorHead[]): void {
    this.#receipts.note(peer, heads)
    const own = this.#host.log.own
    if (own === undefined) return
    for (const h of heads) {
      if (sameBytes(h.author, own.state.author)) this.#ownHeadOf.set(peer, Math.max(this.#ownHeadOf.get(peer) ?? 0, h.seq))
    }
  }

  /** A peer's vector is complete (its last page came): it tells a restored identity its own head here. */
  vectorDone (peer: string): void {
    const seq = this.#ownHeadOf.get(peer) ?? 0
    this.#ownHeadOf.delete(peer)
    this.#host.log.own?.notePeerHead(seq)
  }

  /**
   * What a peer with vector `remote` lacks, as batches of wire entries (one
   * author each, ascending), each ending on an entry whose own signature we checked.
   * Where the peer's head differs from our entry at its seq, we send that entry
   * (a signed one) instead of reporting a fork from the peer's claim.
   */
  async * missingFor (remote: AuthorHead[], limits: BatchLimits): AsyncIterable<Uint8Array[]> {
    yield * missingBatches({
      ctx: this.#host.ctx,
      store: this.#host.log.store,
      closed: () => this.#host.closed()
    }, remote, limits)
  }
}
