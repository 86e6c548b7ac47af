import { ownBytes, sameBytes, toHex } from '../bytes.js'
import { decodeWire } from '../entry-codec.js'
import { ENTRY_OVERHEAD_BYTES, checkEntryShape } from '../entry-rules.js'
import { verifyRun } from '../entry-verify.js'
import { gapBufferFor } from '../gap-buffer.js'
import type { GapBuffer } from '../gap-buffer.js'
import { IdCache } from '../id-cache.js'
import { Mutex } from '@pipes/interface'
import { checkGossip } from './gossip-check.js'
import type { NodeContext } from '../context.js'
import type { Delivery } from '../delivery.js'
import type { EntryRules } from '../entry-rules.js'
import type { AuthorState } from '../entry-store.js'
import type { VerifiedEntry } from '../entry-verify.js'
import type { OwnLog } from '../log/own-log.js'
import type { PipelineLog } from '../log/pipeline-log.js'
import type { RejectReason } from '../reject-reasons.js'
import type { BatchLimits } from '../serving.js'
import type { ForkDetail } from '../types.js'
import type { SeenLately } from './gossip-check.js'
import type { TransportMessage, Validation } from '@pipes/transport'

const EMPTY = new Uint8Array(0)
/** What became of a verified run: stored (or being stored), already held, kept ahead of a gap, refused (a fork, a broken link, or by the kind's admission), or ours while a put is in flight. */
type IngestOutcome = 'stored' | 'held' | 'gap' | 'fork' | 'bad-chain' | 'busy' | 'refused'
/** How many recent ids each of the known-bad and held caches keeps. */
const RECENT_IDS = 4096

/** What the ingest path of a stored pipeline needs from it. */
export interface IngestHost {
  readonly ctx: NodeContext
  readonly name: string
  readonly rules: EntryRules
  readonly log: PipelineLog
  readonly delivery: Delivery
  /** Where `fork` events go (the pipeline). */
  readonly events: EventTarget
  /** False until the log is open, and once the pipeline is closed. */
  running (): boolean
  /** Received entries that just became durable (before they are delivered). */
  durable (entries: readonly VerifiedEntry[]): void
  /** How many of a run that links on to take (the kind's admission, e.g. the mailbox's quotas); all without it. */
  admit? (run: readonly VerifiedEntry[]): number
}

/**
 * The ingest path of a stored pipeline, for gossip and sync alike:
 * validate, verify, then order (forks and broken links refused, entries
 * ahead of a gap kept in the gap buffer), store, and hand to delivery.
 * Runs one at a time (a lock), so every run sees the heads the last left.
 */
export class StoredIngest {
  readonly #host: IngestHost
  readonly #gap: GapBuffer
  readonly #lock = new Mutex()
  /** Entries (id and signature) that failed verification lately: answered without verifying again. */
  readonly #forged = new IdCache<RejectReason>(RECENT_IDS)
  /** Ids of entries stored lately: gossip duplicates are ignored before verification. */
  readonly #recent = new IdCache(RECENT_IDS)
  /** Forks reported (author/seq), so each is reported once. */
  readonly #forksSeen = new IdCache(RECENT_IDS)

  constructor (host: IngestHost) {
    this.#host = host
    this.#gap = gapBufferFor(host.ctx)
  }

  /** Entries waiting in the gap buffer. */
  get gapBuffered (): number { return this.#gap.size }
  get gapDropped (): number { return this.#gap.dropped }

  /** Resolves once the run in progress (if any) is over. */
  async idle (): Promise<void> {
    await this.#lock.run(() => {})
  }

  /** Runs `fn` with ingest held off (no run is taken meanwhile). */
  async exclusive<T> (fn: () => Promise<T> | T): Promise<T> {
    return await this.#lock.run(fn)
  }

  /** Resolves once every entry accepted before the call is durable (or its commit failed); later writes do not hold it up. */
  async flush (): Promise<void> {
    await this.#lock.run(() => {})
    await this.#host.ctx.committer.flush()
  }

  /**
   * Gossip validation, cheapest refusals first. `reject` (which costs the
   * forwarding peer gossipsub score) is kept for input that is forged or
   * malformed, which no honest relay forwards; signature-valid entries that
   * only disagree with our state (a future time, a fork, a broken link, an
   * entry ahead of a gap) are counted and answered `ignore`, so they are not
   * forwarded and honest relays are not punished.
   */
  async gossip (msg: TransportMessage): Promise<Validation> {
    if (!this.#host.running()) return 'ignore'
    const v = await checkGossip(msg, this.#host.rules, this.#host.ctx, this.#lately)
    if (typeof v === 'string') return v
    // only what is stored is relayed; the rest is counted where it is refused
    return (await this.#ingest([v], msg.from)) === 'stored' ? 'accept' : 'ignore'
  }

  /** Seen lately: a forgery we refused (no second verify), or an entry we hold. */
  readonly #lately: SeenLately = {
    seen: (w) => this.#forged.get(w.idHex + toHex(w.signature)) ?? (this.#recent.has(w.idHex) ? 'ignore' : undefined),
    forged: (w, reason) => { this.#forged.add(w.idHex + toHex(w.signature), reason) }
  }

  /**
   * Takes in one sync batch: decodes and checks every entry, checks the
   * hash chain and the last entry's signature, then stores what is new.
   * A refused batch is counted under its reason; returns false then.
   */
  async batch (wires: Uint8Array[], from: string, limits: BatchLimits): Promise<boolean> {
    if (!this.#host.running()) return true
    const refuse = (reason: RejectReason): boolean => { this.#host.ctx.reject(reason, this.#host.name, from); return false }
    if (wires.length === 0 || wires.length > limits.maxEntries) return refuse('sync-too-much')
    const now = Date.now()
    const run = []
    let bytes = 0
    for (const framed of wires) {
      bytes += framed.length
      if (framed.length > this.#host.rules.maxPayloadBytes + ENTRY_OVERHEAD_BYTES) return refuse('too-large')
      // entries are views into their (up to 16 MiB) frame: copy, so what is kept (gap buffer, delivery) pins only itself
      const wire = ownBytes(framed)
      const w = decodeWire(wire)
      if (w === undefined) return refuse('malformed')
      const bad = checkEntryShape(w.entry, this.#host.rules, now)
      if (bad !== undefined) return refuse(bad)
      run.push(w)
    }
    const verified = await verifyRun(run, this.#host.ctx.identities)
    if (typeof verified === 'string') return refuse(verified)
    this.#host.ctx.stats.sync.entriesReceived += verified.length
    // the next batch waits while commits are backed up: durability paces sync;
    // batches let in together (sync takes several authors' at once) count until their writes are queued
    const release = await this.#host.ctx.committer.room(verified.length + 1, bytes)
    let outcome: IngestOutcome
    try {
      outcome = await this.#ingest(verified, from)
    } finally {
      release()
    }
    return outcome !== 'fork' && outcome !== 'bad-chain' && outcome !== 'refused'
  }

  /**
   * Stores a verified run of one author's consecutive entries: drops what we
   * hold, refuses forks and broken links, appends what follows our head,
   * and keeps what is ahead of a gap in the gap buffer. Per-author state is
   * created only for an entry that is stored.
   */
  async #ingest (run: VerifiedEntry[], from: string): Promise<IngestOutcome> {
    return await this.#lock.run(async () => {
      const first = run[0] as VerifiedEntry
      const own = this.#host.log.own as OwnLog
      const isOwn = sameBytes(first.entry.author, own.state.author)
      if (isOwn && !own.quiet) return 'busy'
      const authorHex = toHex(first.entry.author)
      const known = this.#host.log.store.get(authorHex)
      const seq = known?.seq ?? 0
      // what we already hold: the same entries or a fork
      const held = run.filter(e => e.entry.seq <= seq)
      const lastHeld = held[held.length - 1]
      if (lastHeld !== undefined && known !== undefined) {
        const ours = await this.#host.log.store.idAt(known, lastHeld.entry.seq)
        if (ours !== undefined && ours !== lastHeld.idHex) {
          this.fork({ pipeline: this.#host.name, author: first.sender.id, seq: lastHeld.entry.seq, kept: ours, rejected: lastHeld.idHex, from })
          return 'fork'
        }
      }
      const fresh = run.filter(e => e.entry.seq > seq)
      const next = fresh[0]
      if (next === undefined) {
        if (lastHeld !== undefined) this.#remember(lastHeld.idHex)
        return 'held'
      }
      if (next.entry.seq !== seq + 1) {
        // ahead of a gap: kept until it links, not forwarded (it may never link)
        for (const e of fresh) this.#gap.add(authorHex, e)
        this.#host.ctx.requestSync(from)
        return 'gap'
      }
      if (!sameBytes(next.entry.prev, known?.head ?? EMPTY)) {
        if (known !== undefined && seq >= 1) {
          // the author signed an entry linking to another entry at our head's seq: a fork there
          this.fork({ pipeline: this.#host.name, author: first.sender.id, seq, kept: toHex(known.head), rejected: toHex(next.entry.prev), from })
          return 'fork'
        }
        this.#host.ctx.reject('bad-chain', this.#host.name, from)
        return 'bad-chain'
      }
      const batch = fresh
      // follow on with what waited in the gap buffer
      let tail = batch[batch.length - 1] as VerifiedEntry
      for (let e = this.#gap.take(authorHex, tail.entry.seq + 1); e !== undefined; e = this.#gap.take(authorHex, tail.entry.seq + 1)) {
        if (!sameBytes(e.entry.prev, tail.id)) {
          this.#host.ctx.reject('bad-chain', this.#host.name, from)
          break
        }
        batch.push(e)
        tail = e
      }
      this.#gap.dropUpTo(authorHex, tail.entry.seq)
      // the kind's admission comes before any per-author state is made
      const take = this.#host.admit?.(batch) ?? batch.length
      if (take <= 0) return 'refused'
      if (take < batch.length) {
        batch.length = take
        tail = batch[take - 1] as VerifiedEntry
      }
      const state = known ?? this.#host.log.store.ensure(first.entry.author)
      this.#append(state, batch)
      // only what we store moves our clock
      this.#host.ctx.clock.observe({ time: tail.entry.time, counter: tail.entry.counter })
      if (isOwn) own.adopted()
      return 'stored'
    })
  }

  /** Counts and reports a fork, once per author and seq (every copy of it is still counted as a refusal). */
  fork (detail: ForkDetail): void {
    this.#host.ctx.reject('fork', this.#host.name, detail.from)
    const key = `${detail.author}/${detail.seq}`
    if (this.#forksSeen.has(key)) return
    this.#forksSeen.add(key, true)
    this.#host.ctx.stats.forks++
    this.#host.events.dispatchEvent(new CustomEvent('fork', { detail }))
    this.#host.ctx.fork(detail)
  }

  /** Remembers an id we hold, so a gossip duplicate is answered before it is verified. */
  #remember (idHex: string): void {
    this.#recent.add(idHex, true)
  }

  #append (state: AuthorState, batch: VerifiedEntry[]): void {
    this.#host.log.store.append(state, batch.map(e => ({ seq: e.entry.seq, id: e.id, wire: e.wire, checked: e.checked, idHex: e.idHex, time: e.entry.time }))).then(() => {
      this.#host.ctx.stats.stored += batch.length
      // remembered once durable: after a failed commit a resend must be taken again
      for (const e of batch) this.#remember(e.idHex)
      this.#host.delivery.hold(state, batch.map(e => ({ seq: e.entry.seq, entry: e.entry, idHex: e.idHex, sender: e.sender })))
      this.#host.durable(batch)
      this.#host.delivery.pump()
    }, () => {
      // the commit failed: the store rolled the author back (so resends are taken again),
      // and the node counted it and raised `storage-error`
    })
  }
}
