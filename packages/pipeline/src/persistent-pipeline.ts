import { topicFor } from '@pipes/transport'
import { BasePipeline } from './base-pipeline.js'
import { NodeStoppedError } from './errors.js'
import { ownBytes, sameBytes, toHex } from './bytes.js'
import { IdCache } from './id-cache.js'
import { Delivery, decodeStored, READ_CHUNK } from './delivery.js'
import { decodeWire, FLAG_PERSISTENT } from './entry-codec.js'
import { ENTRY_OVERHEAD_BYTES, checkEntryShape } from './entry-rules.js'
import { EntryStore } from './entry-store.js'
import { verifyEntry, verifyRun } from './entry-verify.js'
import { missingBatches, vectorOf } from './serving.js'
import { GapBuffer } from './gap-buffer.js'
import { Mutex } from './mutex.js'
import { OwnLog } from './own-log.js'
import type { OwnPut } from './own-log.js'
import { plainCodec } from './payload-codec.js'
import { ReceiptBook } from './receipts.js'
import type { NodeContext } from './context.js'
import type { EntryRules } from './entry-rules.js'
import type { AuthorState } from './entry-store.js'
import type { VerifiedEntry } from './entry-verify.js'
import type { PayloadCodec } from './payload-codec.js'
import type { RejectReason } from './reject-reasons.js'
import type { AuthorHead } from './sync.pb.js'
import type { BatchLimits } from './serving.js'
import type { AddPacketListenerOptions, ForkDetail, Packet, PacketListener, PipelineKind } from './types.js'
import type { UnsignedEntry } from './entry-codec.js'
import type { EncodedPayload, PayloadMeta } from './payload-codec.js'
import type { TransportMessage, Validation } from '@pipes/transport'

export type { BatchLimits } from './serving.js'

const EMPTY = new Uint8Array(0)
/** What became of a verified run: stored (or being stored), already held, kept ahead of a gap, refused, or ours while a put is in flight. */
type IngestOutcome = 'stored' | 'held' | 'gap' | 'fork' | 'bad-chain' | 'busy'
/** How many recent ids each of the known-bad and held caches keeps. */
const RECENT_IDS = 4096

/**
 * Persistent pipeline: every entry is stored in the node's datastore before
 * it is delivered or served; peers fill each other's gaps with the sync
 * protocol. Listeners get each entry once, in per-author order, across
 * restarts (a delivered watermark per author is stored).
 */
export class PersistentPipeline extends BasePipeline {
  readonly kind: PipelineKind = 'persistent'
  readonly #topic: string
  readonly #rules: EntryRules
  readonly #codec: PayloadCodec
  readonly #store: EntryStore
  readonly #gap: GapBuffer
  readonly #ingestLock = new Mutex()
  readonly #delivery: Delivery
  readonly #receipts: ReceiptBook
  /** Entries (id and signature) that failed verification lately: answered without verifying again. */
  readonly #forged = new IdCache<RejectReason>(RECENT_IDS)
  /** Ids of entries stored lately: gossip duplicates are ignored before verification. */
  readonly #recent = new IdCache(RECENT_IDS)
  /** Forks reported (author/seq), so each is reported once. */
  readonly #forksSeen = new IdCache(RECENT_IDS)
  #own: OwnLog | undefined
  readonly #ready: Promise<void>
  #unsubscribe: () => void = () => {}

  constructor (ctx: NodeContext, name: string, maxPacketBytes: number, codec: PayloadCodec = plainCodec) {
    super(ctx, name, maxPacketBytes)
    this.#codec = codec
    this.#topic = topicFor(ctx.networkId, name)
    this.#rules = this.entryRules(FLAG_PERSISTENT, codec, true)
    this.#store = new EntryStore(ctx.kv, ctx.committer, name)
    this.#store.onCorrupt = (_author, _seq, repaired) => {
      ctx.stats.corruptRecords++
      // peers hold what was cut back
      if (repaired) ctx.requestSync()
    }
    this.#gap = new GapBuffer()
    this.#receipts = new ReceiptBook(name, this, ctx)
    this.#delivery = new Delivery({
      ctx, store: this.#store, codec, listeners: this.listeners, pipeline: this, running: () => this.opened
    })
    this.#ready = this.#open()
    // a failed open is reported by every call that awaits it
    this.#ready.catch(() => {})
  }

  async #open (): Promise<void> {
    await this.#store.open()
    const own = new OwnLog(this.ctx, this.#store, this.name, this.#rules.flags)
    const last = await own.load()
    if (last !== undefined) this.ctx.clock.restore(last)
    this.#own = own
    this.#receipts.attach(own)
    await this.afterOpen()
    if (this.closed) return
    this.#unsubscribe = this.ctx.transport.subscribe(this.#topic, () => {}, async (msg) => await this.#validateGossip(msg))
    this.#delivery.pump()
    this.ctx.requestSync()
  }

  /** Hook for kinds built on this one: runs once the store is open, before gossip and delivery start. */
  protected async afterOpen (): Promise<void> {}

  /** Hook for kinds built on this one: a restored identity just learned its own head here, so its puts may go ahead. Called once. */
  protected ownHeadsLearned (): void {}

  #headsHookDone = false
  /** Calls `ownHeadsLearned` once our head was learned from a peer (a restored identity only). */
  #checkOwnHeads (): void {
    const own = this.#own
    if (this.#headsHookDone || own === undefined || own.headsKnown || !own.headsLearned) return
    this.#headsHookDone = true
    try {
      this.ownHeadsLearned()
    } catch {
      // a hook's failure is its own
    }
  }

  /** Hook for kinds built on this one: entries (ours and received) that just became durable, in per-author order. */
  protected entriesStored (_entries: ReadonlyArray<{ entry: UnsignedEntry, idHex: string }>): void {}

  /** For kinds built on this one: the payload codec can open more entries now (keys arrived); delivery is tried again. */
  protected keysChanged (): void {
    this.#delivery.pump()
  }

  /** Every durable entry, author by author in seq order (no decoding of payloads). */
  protected async * storedEntries (): AsyncIterable<{ entry: UnsignedEntry, idHex: string }> {
    for (const state of this.#store.sortedAuthors()) {
      const last = state.durableSeq
      for (let from = 1; from <= last; from += READ_CHUNK) {
        for (const d of decodeStored(await this.#store.read(state, from, Math.min(last, from + READ_CHUNK - 1)))) {
          if (d.entry !== undefined) yield { entry: d.entry, idHex: d.idHex }
        }
      }
    }
  }

  /**
   * Puts an entry whose payload `encode` makes (given the seq it will have):
   * for kinds that write their own records (control records, sealed
   * payloads). Resolves once durable, like `putPacket`. `payloadBytes`, when
   * known, is held against the commit queue's byte bound while the put is in flight.
   */
  async putEncoded (encode: (meta: PayloadMeta) => EncodedPayload, payloadBytes = 0): Promise<OwnPut> {
    if (this.closed || this.ctx.stopped) throw new NodeStoppedError(`put on "${this.name}"`)
    // called from afterOpen (part of the open) the log is already loaded
    if (this.#own === undefined) await this.#ready
    // a backlog of commits holds writers back instead of growing in memory;
    // what this put writes (entry and head) counts against the bounds until it is durable
    // (while queued it counts twice: a burst of puts stays well inside them)
    const release = await this.ctx.committer.room(2, payloadBytes + ENTRY_OVERHEAD_BYTES)
    const own = this.#own as OwnLog
    let put: OwnPut
    try {
      put = await own.put(encode)
    } finally {
      release()
    }
    this.ctx.stats.stored++
    this.#delivery.hold(own.state, [{ seq: put.seq, entry: put.entry, idHex: put.idHex, sender: this.ctx.self }])
    this.#stored([put])
    this.ctx.publisher.offer(this.#topic, put.wire, (recipients) => { this.#reached(recipients) })
    this.#delivery.pump()
    return put
  }

  /** Tells the hook which entries became durable. */
  #stored (entries: ReadonlyArray<{ entry: UnsignedEntry, idHex: string }>): void {
    try {
      this.entriesStored(entries)
    } catch {
      // a hook's failure is its own; storage and delivery go on
    }
  }

  /** Resolves once the store is open; rejects if it failed to open. */
  async ready (): Promise<void> {
    await this.#ready
  }

  /** True once the store is open and the pipeline takes part in sync. */
  get opened (): boolean { return this.#own !== undefined && !this.closed }

  /** Entries waiting in the gap buffer. */
  get gapBuffered (): number { return this.#gap.size }
  get gapDropped (): number { return this.#gap.dropped }

  async putPacket (data: Uint8Array): Promise<Packet> {
    this.checkPut(data)
    await this.#ready
    this.checkPut(data)
    const { seq, idHex, time } = await this.putEncoded((meta) => this.#codec.encode(data, meta), data.length)
    this.ctx.stats.put++
    return { data, sender: this.ctx.self, timestamp: time.time, id: idHex, pipeline: this.name, seq }
  }

  addPacketListener (fn: PacketListener, options?: AddPacketListenerOptions): void {
    this.checkListener(fn)
    if (this.listeners.has(fn)) return
    if (options?.replay !== true) {
      this.listeners.add(fn)
      this.#delivery.pump()
      return
    }
    // replay under the delivery lock: stored-and-delivered entries first, then the live set
    this.#delivery.replay(fn, this.#ready)
  }

  async * history (): AsyncIterable<Packet> {
    await this.#ready
    for (const state of this.#store.sortedAuthors()) {
      const last = state.durableSeq
      for (let from = 1; from <= last; from += READ_CHUNK) {
        for (const d of decodeStored(await this.#store.read(state, from, Math.min(last, from + READ_CHUNK - 1)))) {
          const packet = await this.#delivery.toPacket(d)
          if (typeof packet !== 'string') yield packet
        }
      }
    }
  }

  holders (packetId: string): string[] {
    return this.#receipts.holders(packetId)
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.#unsubscribe()
    await this.#ready.catch(() => {})
    await this.#ingestLock.run(() => {})
    await this.#delivery.done
    await this.#delivery.lock.run(() => {})
    await this.ctx.committer.flush()
    this.#store.close()
  }

  // ---- input from the network -------------------------------------------

  /**
   * Gossip validation, cheapest refusals first. `reject` (which costs the
   * forwarding peer gossipsub score) is kept for input that is forged or
   * malformed, which no honest relay forwards; signature-valid entries that
   * only disagree with our state (a future time, a fork, a broken link, an
   * entry ahead of a gap) are counted and answered `ignore`, so they are not
   * forwarded and honest relays are not punished.
   */
  async #validateGossip (msg: TransportMessage): Promise<Validation> {
    if (this.closed || this.#own === undefined) return 'ignore'
    if (msg.data.length > this.#rules.maxPayloadBytes + ENTRY_OVERHEAD_BYTES) return this.#reject('too-large', msg.from)
    const w = decodeWire(msg.data)
    if (w === undefined) return this.#reject('malformed', msg.from)
    // seen lately: a forgery we refused (no second verify), or an entry we hold
    const forgedKey = w.idHex + toHex(w.signature)
    const known = this.#forged.get(forgedKey)
    if (known !== undefined) return this.#reject(known, msg.from)
    if (this.#recent.has(w.idHex)) return 'ignore'
    const bad = checkEntryShape(w.entry, this.#rules, Date.now())
    if (bad !== undefined) return bad === 'future-time' ? this.#ignore(bad, msg.from) : this.#reject(bad, msg.from)
    const v = await verifyEntry(w, this.ctx.identities)
    if (typeof v === 'string') {
      this.#forged.add(forgedKey, v)
      return this.#reject(v, msg.from)
    }
    // only what is stored is relayed; the rest is counted where it is refused
    return (await this.#ingest([v], msg.from)) === 'stored' ? 'accept' : 'ignore'
  }

  #reject (reason: RejectReason, from: string): Validation {
    this.ctx.reject(reason, this.name, from)
    return 'reject'
  }

  /** Counts a refusal of signed input that an honest relay may forward: not charged to the relay. */
  #ignore (reason: RejectReason, from: string): Validation {
    this.ctx.reject(reason, this.name, from)
    return 'ignore'
  }

  /**
   * Takes in one sync batch: decodes and checks every entry, checks the
   * hash chain and the last entry's signature, then stores what is new.
   * A refused batch is counted under its reason; returns false then.
   */
  async ingestBatch (wires: Uint8Array[], from: string, limits: BatchLimits): Promise<boolean> {
    if (this.closed || this.#own === undefined) return true
    const refuse = (reason: RejectReason): boolean => { this.ctx.reject(reason, this.name, from); return false }
    if (wires.length === 0 || wires.length > limits.maxEntries) return refuse('sync-too-much')
    const now = Date.now()
    const run = []
    let bytes = 0
    for (const framed of wires) {
      bytes += framed.length
      if (framed.length > this.#rules.maxPayloadBytes + ENTRY_OVERHEAD_BYTES) return refuse('too-large')
      // entries are views into their (up to 16 MiB) frame: copy, so what is kept (gap buffer, delivery) pins only itself
      const wire = ownBytes(framed)
      const w = decodeWire(wire)
      if (w === undefined) return refuse('malformed')
      const bad = checkEntryShape(w.entry, this.#rules, now)
      if (bad !== undefined) return refuse(bad)
      run.push(w)
    }
    const verified = await verifyRun(run, this.ctx.identities)
    if (typeof verified === 'string') return refuse(verified)
    this.ctx.stats.sync.entriesReceived += verified.length
    // the next batch waits while commits are backed up: durability paces sync;
    // batches let in together (sync takes several authors' at once) count until their writes are queued
    const release = await this.ctx.committer.room(verified.length + 1, bytes)
    let outcome: IngestOutcome
    try {
      outcome = await this.#ingest(verified, from)
    } finally {
      release()
    }
    return outcome !== 'fork' && outcome !== 'bad-chain'
  }

  /**
   * Stores a verified run of one author's consecutive entries: drops what we
   * hold, refuses forks and broken links, appends what follows our head,
   * and keeps what is ahead of a gap in the gap buffer. Per-author state is
   * created only for an entry that is stored.
   */
  async #ingest (run: VerifiedEntry[], from: string): Promise<IngestOutcome> {
    return await this.#ingestLock.run(async () => {
      const first = run[0] as VerifiedEntry
      const own = this.#own as OwnLog
      const isOwn = sameBytes(first.entry.author, own.state.author)
      if (isOwn && !own.quiet) return 'busy'
      const authorHex = toHex(first.entry.author)
      const known = this.#store.get(authorHex)
      const seq = known?.seq ?? 0
      // what we already hold: the same entries or a fork
      const held = run.filter(e => e.entry.seq <= seq)
      const lastHeld = held[held.length - 1]
      if (lastHeld !== undefined && known !== undefined) {
        const ours = await this.#store.idAt(known, lastHeld.entry.seq)
        if (ours !== undefined && ours !== lastHeld.idHex) {
          this.#fork({ pipeline: this.name, author: first.sender.id, seq: lastHeld.entry.seq, kept: ours, rejected: lastHeld.idHex, from })
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
        this.ctx.requestSync(from)
        return 'gap'
      }
      if (!sameBytes(next.entry.prev, known?.head ?? EMPTY)) {
        if (known !== undefined && seq >= 1) {
          // the author signed an entry linking to another entry at our head's seq: a fork there
          this.#fork({ pipeline: this.name, author: first.sender.id, seq, kept: toHex(known.head), rejected: toHex(next.entry.prev), from })
          return 'fork'
        }
        this.ctx.reject('bad-chain', this.name, from)
        return 'bad-chain'
      }
      const state = known ?? this.#store.ensure(first.entry.author)
      const batch = fresh
      // follow on with what waited in the gap buffer
      let tail = batch[batch.length - 1] as VerifiedEntry
      for (let e = this.#gap.take(authorHex, tail.entry.seq + 1); e !== undefined; e = this.#gap.take(authorHex, tail.entry.seq + 1)) {
        if (!sameBytes(e.entry.prev, tail.id)) {
          this.ctx.reject('bad-chain', this.name, from)
          break
        }
        batch.push(e)
        tail = e
      }
      this.#gap.dropUpTo(authorHex, tail.entry.seq)
      this.#append(state, batch)
      // only what we store moves our clock
      this.ctx.clock.observe({ time: tail.entry.time, counter: tail.entry.counter })
      if (isOwn) own.adopted()
      return 'stored'
    })
  }

  /** Counts and reports a fork, once per author and seq (every copy of it is still counted as a refusal). */
  #fork (detail: ForkDetail): void {
    this.ctx.reject('fork', this.name, detail.from)
    const key = `${detail.author}/${detail.seq}`
    if (this.#forksSeen.has(key)) return
    this.#forksSeen.add(key, true)
    this.ctx.stats.forks++
    this.dispatchEvent(new CustomEvent('fork', { detail }))
    this.ctx.fork(detail)
  }

  /** Remembers an id we hold, so a gossip duplicate is answered before it is verified. */
  #remember (idHex: string): void {
    this.#recent.add(idHex, true)
  }

  #append (state: AuthorState, batch: VerifiedEntry[]): void {
    this.#store.append(state, batch.map(e => ({ seq: e.entry.seq, id: e.id, wire: e.wire, checked: e.checked, idHex: e.idHex }))).then(() => {
      this.ctx.stats.stored += batch.length
      // remembered once durable: after a failed commit a resend must be taken again
      for (const e of batch) this.#remember(e.idHex)
      this.#delivery.hold(state, batch.map(e => ({ seq: e.entry.seq, entry: e.entry, idHex: e.idHex, sender: e.sender })))
      this.#stored(batch)
      this.#checkOwnHeads()
      this.#delivery.pump()
    }, () => {
      // the commit failed: the store rolled the author back (so resends are taken again),
      // and the node counted it and raised `storage-error`
    })
  }

  // ---- sync: serving -------------------------------------------------------

  /**
   * A put that gossip sent to fewer peers than are connected (before the
   * mesh forms, most often) goes out over sync at once instead of waiting
   * for the periodic sync.
   */
  #reached (recipients: number): void {
    if (this.closed || this.ctx.stopped) return
    if (recipients < this.ctx.transport.peers().length) this.ctx.requestSync()
  }

  /** Our version vector: for each author, the durable contiguous seq and its head. */
  vector (): AuthorHead[] {
    return vectorOf(this.#store)
  }

  /** Our head in the vector a peer is sending, per peer, until its last page. */
  readonly #ownHeadOf = new Map<string, number>()

  /**
   * Notes a peer's vector: delivery receipts for our packets, and our own
   * head for a restored identity. A head that differs from ours is an
   * unsigned claim and raises no fork; serving answers it with our signed
   * entry (see `missingFor`).
   */
  noteVector (peer: string, heads: AuthorHead[]): void {
    this.#receipts.note(peer, heads)
    const own = this.#own
    if (own === undefined) return
    for (const h of heads) {
      if (sameBytes(h.author, own.state.author)) this.#ownHeadOf.set(peer, Math.max(this.#ownHeadOf.get(peer) ?? 0, h.seq))
    }
  }

  /** A peer's vector is complete (its last page came): it tells a restored identity its own head here. */
  vectorDone (peer: string): void {
    const seq = this.#ownHeadOf.get(peer) ?? 0
    this.#ownHeadOf.delete(peer)
    this.#own?.notePeerHead(seq)
    this.#checkOwnHeads()
  }

  /** Resolves once every entry accepted before the call is durable (or its commit failed); later writes do not hold it up. */
  async flush (): Promise<void> {
    await this.#ingestLock.run(() => {})
    await this.ctx.committer.flush()
  }

  /**
   * What a peer with vector `remote` lacks, as batches of wire entries (one
   * author each, ascending), each ending on an entry whose own signature we checked.
   * Where the peer's head differs from our entry at its seq, we send that entry
   * (a signed one) instead of reporting a fork from the peer's claim. `_from`,
   * the peer served, is no longer needed: its claims are reported by nothing.
   */
  async * missingFor (remote: AuthorHead[], limits: BatchLimits, _from: string): AsyncIterable<Uint8Array[]> {
    await this.#ready
    yield * missingBatches({
      ctx: this.ctx,
      store: this.#store,
      closed: () => this.closed
    }, remote, limits)
  }
}
