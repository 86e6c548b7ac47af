import { peerIdFromPublicKey } from '@pipes/identity'
import { topicFor } from '@pipes/transport'
import { BasePipeline } from './base-pipeline.js'
import { NodeStoppedError } from './errors.js'
import { pb, sameBytes, toHex } from './bytes.js'
import { decodeWire, FLAG_PERSISTENT } from './entry-codec.js'
import { ENTRY_OVERHEAD_BYTES, checkEntryShape } from './entry-rules.js'
import { EntryStore } from './entry-store.js'
import { verifyEntry, verifyRun } from './entry-verify.js'
import { GapBuffer } from './gap-buffer.js'
import { callListener } from './listener-set.js'
import { Mutex } from './mutex.js'
import { OwnLog } from './own-log.js'
import type { OwnPut } from './own-log.js'
import { plainCodec } from './payload-codec.js'
import { ReceiptBook } from './receipts.js'
import type { NodeContext } from './context.js'
import type { EntryRules } from './entry-rules.js'
import type { AuthorState, StoredEntry } from './entry-store.js'
import type { VerifiedEntry } from './entry-verify.js'
import type { PayloadCodec } from './payload-codec.js'
import type { RejectReason } from './reject-reasons.js'
import type { AuthorHead } from './sync.pb.js'
import type { AddPacketListenerOptions, Packet, PacketListener, PipelineKind } from './types.js'
import type { UnsignedEntry } from './entry-codec.js'
import type { EncodedPayload, PayloadMeta } from './payload-codec.js'
import type { TransportMessage, Validation } from '@pipes/transport'

/** Entries read from the store at a time when delivering or serving. */
const READ_CHUNK = 256

/** Limits of what one sync batch carries. */
export interface BatchLimits {
  maxEntries: number
  maxBytes: number
}

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
  readonly #deliveryLock = new Mutex()
  readonly #receipts: ReceiptBook
  #own: OwnLog | undefined
  readonly #ready: Promise<void>
  #unsubscribe: () => void = () => {}
  #pumping = false
  #pumpAgain = false
  #pumpDone: Promise<void> = Promise.resolve()

  constructor (ctx: NodeContext, name: string, maxPacketBytes: number, codec: PayloadCodec = plainCodec) {
    super(ctx, name, maxPacketBytes)
    this.#codec = codec
    this.#topic = topicFor(ctx.networkId, name)
    this.#rules = {
      network: ctx.networkId,
      pipeline: name,
      flags: FLAG_PERSISTENT | codec.flags,
      maxPayloadBytes: maxPacketBytes + codec.overheadBytes,
      maxClockSkewMs: ctx.maxClockSkewMs,
      chained: true
    }
    this.#store = new EntryStore(ctx.kv, ctx.committer, name)
    this.#gap = new GapBuffer()
    this.#receipts = new ReceiptBook(name, this, ctx)
    this.#ready = this.#open()
    // a failed open is reported by every call that awaits it
    this.#ready.catch(() => {})
  }

  async #open (): Promise<void> {
    await this.#store.open()
    const own = new OwnLog(this.ctx, this.#store, this.name, this.#rules.flags)
    const last = await own.load()
    if (last !== undefined) this.ctx.clock.observe(last)
    this.#own = own
    this.#receipts.attach(own)
    await this.afterOpen()
    if (this.closed) return
    this.#unsubscribe = this.ctx.transport.subscribe(this.#topic, () => {}, async (msg) => await this.#validateGossip(msg))
    this.#pump()
    this.ctx.requestSync()
  }

  /** Hook for kinds built on this one: runs once the store is open, before gossip and delivery start. */
  protected async afterOpen (): Promise<void> {}

  /** Hook for kinds built on this one: entries (ours and received) that just became durable, in per-author order. */
  protected entriesStored (_entries: ReadonlyArray<{ entry: UnsignedEntry, idHex: string }>): void {}

  /** For kinds built on this one: the payload codec can open more entries now (keys arrived); delivery is tried again. */
  protected keysChanged (): void {
    this.#pump()
  }

  /** Every durable entry, author by author in seq order (no decoding of payloads). */
  protected async * storedEntries (): AsyncIterable<{ entry: UnsignedEntry, idHex: string }> {
    for (const state of this.#sortedAuthors()) {
      const last = state.durableSeq
      for (let from = 1; from <= last; from += READ_CHUNK) {
        for (const e of await this.#store.read(state, from, Math.min(last, from + READ_CHUNK - 1))) {
          const w = decodeWire(e.wire)
          if (w !== undefined) yield { entry: w.entry, idHex: w.idHex }
        }
      }
    }
  }

  /**
   * Puts an entry whose payload `encode` makes (given the seq it will have):
   * for kinds that write their own records (control records, sealed
   * payloads). Resolves once durable, like `putPacket`.
   */
  async putEncoded (encode: (meta: PayloadMeta) => EncodedPayload): Promise<OwnPut> {
    if (this.closed || this.ctx.stopped) throw new NodeStoppedError(`put on "${this.name}"`)
    // called from afterOpen (part of the open) the log is already loaded
    if (this.#own === undefined) await this.#ready
    this.#store.assertUsable()
    const own = this.#own as OwnLog
    const put = await own.put(encode)
    this.ctx.stats.stored++
    this.#stored([put])
    this.ctx.publisher.offer(this.#topic, put.wire)
    this.#pump()
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
    this.#store.assertUsable()
    const { seq, idHex, time } = await this.putEncoded((meta) => this.#codec.encode(data, meta))
    this.ctx.stats.put++
    return { data, sender: this.ctx.self, timestamp: time.time, id: idHex, pipeline: this.name, seq }
  }

  addPacketListener (fn: PacketListener, options?: AddPacketListenerOptions): void {
    this.checkListener(fn)
    if (this.listeners.has(fn)) return
    if (options?.replay !== true) {
      this.listeners.add(fn)
      this.#pump()
      return
    }
    // replay under the delivery lock: stored-and-delivered entries first, then the live set
    void this.#deliveryLock.run(async () => {
      try {
        await this.#ready
        for (const state of this.#sortedAuthors()) {
          for (let from = 1; from <= state.delivered; from += READ_CHUNK) {
            const chunk = await this.#store.read(state, from, Math.min(state.delivered, from + READ_CHUNK - 1))
            for (const e of chunk) {
              const packet = await this.#toPacket(e)
              if (typeof packet !== 'string') await callListener(fn, packet, this, () => { this.ctx.stats.listenerErrors++ })
            }
          }
        }
      } finally {
        this.listeners.add(fn)
      }
    }).then(() => { this.#pump() }, () => {})
  }

  async * history (): AsyncIterable<Packet> {
    await this.#ready
    for (const state of this.#sortedAuthors()) {
      const last = state.durableSeq
      for (let from = 1; from <= last; from += READ_CHUNK) {
        for (const e of await this.#store.read(state, from, Math.min(last, from + READ_CHUNK - 1))) {
          const packet = await this.#toPacket(e)
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
    await this.#pumpDone
    await this.#deliveryLock.run(() => {})
    await this.ctx.committer.flush()
  }

  #sortedAuthors (): AuthorState[] {
    return [...this.#store.authors()].sort((a, b) => a.authorHex < b.authorHex ? -1 : 1)
  }

  /** The packet of a stored entry; 'skip' when it is not for listeners (a record of the kind), 'wait' when its payload cannot be opened yet. */
  async #toPacket (e: StoredEntry): Promise<Packet | 'skip' | 'wait'> {
    const w = decodeWire(e.wire)
    if (w === undefined) return 'skip'
    const sender = await this.ctx.identities.get(w.entry.author, w.entry.authorName, w.entry.nameSignature)
    if (sender === undefined) return 'skip'
    let data: Uint8Array | undefined
    try {
      data = await this.#codec.decode(w.entry)
    } catch {
      return 'wait'
    }
    if (data === undefined) return 'skip'
    return { data, sender, timestamp: w.entry.time, id: w.idHex, pipeline: this.name, seq: w.entry.seq }
  }

  // ---- delivery ------------------------------------------------------------

  /** Delivers durable, undelivered entries to the listeners, author by author in seq order. */
  #pump (): void {
    if (this.#own === undefined || this.closed) return
    if (this.#pumping) { this.#pumpAgain = true; return }
    this.#pumping = true
    this.#pumpDone = this.#deliveryLock.run(async () => {
      try {
        do {
          this.#pumpAgain = false
          let progressed = true
          while (progressed && this.listeners.size > 0 && !this.closed) {
            progressed = false
            for (const state of this.#store.authors()) {
              if (state.delivered >= state.durableSeq || this.listeners.size === 0) continue
              const to = Math.min(state.durableSeq, state.delivered + READ_CHUNK)
              const chunk = await this.#store.read(state, state.delivered + 1, to)
              let upTo = state.delivered
              for (const e of chunk) {
                const packet = await this.#toPacket(e)
                // an entry that cannot be opened yet holds back its author's later ones
                if (packet === 'wait') break
                if (packet !== 'skip') {
                  this.ctx.stats.delivered++
                  await this.listeners.deliver(packet, this)
                }
                upTo = e.seq
              }
              if (upTo > state.delivered) {
                this.#store.markDelivered(state, upTo).catch(() => {})
                progressed = true
              }
            }
          }
        } while (this.#pumpAgain && !this.closed)
      } catch {
        // a store failure: stop delivering; puts and sync report the failure
      } finally {
        this.#pumping = false
      }
    })
  }

  // ---- input from the network -------------------------------------------

  async #validateGossip (msg: TransportMessage): Promise<Validation> {
    if (this.closed || this.#own === undefined) return 'ignore'
    if (msg.data.length > this.#rules.maxPayloadBytes + ENTRY_OVERHEAD_BYTES) return this.#reject('too-large', msg.from)
    const w = decodeWire(msg.data)
    if (w === undefined) return this.#reject('malformed', msg.from)
    const bad = checkEntryShape(w.entry, this.#rules, Date.now())
    if (bad !== undefined) return this.#reject(bad, msg.from)
    const v = await verifyEntry(w, this.ctx.identities)
    if (typeof v === 'string') return this.#reject(v, msg.from)
    this.ctx.clock.observe({ time: v.entry.time, counter: v.entry.counter })
    return await this.#ingest([v], msg.from)
  }

  #reject (reason: RejectReason, from: string): Validation {
    this.ctx.reject(reason, this.name, from)
    return 'reject'
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
    for (const wire of wires) {
      if (wire.length > this.#rules.maxPayloadBytes + ENTRY_OVERHEAD_BYTES) return refuse('too-large')
      const w = decodeWire(wire)
      if (w === undefined) return refuse('malformed')
      const bad = checkEntryShape(w.entry, this.#rules, now)
      if (bad !== undefined) return refuse(bad)
      run.push(w)
    }
    const verified = await verifyRun(run, this.ctx.identities)
    if (typeof verified === 'string') return refuse(verified)
    const last = verified[verified.length - 1] as VerifiedEntry
    this.ctx.clock.observe({ time: last.entry.time, counter: last.entry.counter })
    this.ctx.stats.sync.entriesReceived += verified.length
    return (await this.#ingest(verified, from)) !== 'reject'
  }

  /**
   * Stores a verified run of one author's consecutive entries: drops what we
   * hold, refuses forks and broken links, appends what follows our head,
   * and keeps what is ahead of a gap in the gap buffer.
   */
  async #ingest (run: VerifiedEntry[], from: string): Promise<Validation> {
    return await this.#ingestLock.run(async () => {
      const first = run[0] as VerifiedEntry
      const own = this.#own as OwnLog
      const isOwn = sameBytes(first.entry.author, own.state.author)
      if (isOwn && !own.quiet) return 'ignore'
      const state = this.#store.ensure(first.entry.author)
      // what we already hold: the same entries or a fork
      const held = run.filter(e => e.entry.seq <= state.seq)
      const lastHeld = held[held.length - 1]
      if (lastHeld !== undefined) {
        const ours = await this.#store.idAt(state, lastHeld.entry.seq)
        if (ours !== undefined && ours !== lastHeld.idHex) {
          this.ctx.stats.forks++
          this.ctx.reject('fork', this.name, from)
          const detail = { pipeline: this.name, author: first.sender.id, seq: lastHeld.entry.seq, kept: ours, rejected: lastHeld.idHex, from }
          this.dispatchEvent(new CustomEvent('fork', { detail }))
          this.ctx.fork(detail)
          return 'reject'
        }
      }
      const fresh = run.filter(e => e.entry.seq > state.seq)
      const next = fresh[0]
      if (next === undefined) return 'ignore'
      if (next.entry.seq !== state.seq + 1) {
        for (const e of fresh) this.#gap.add(state.authorHex, e)
        this.ctx.requestSync(from)
        return 'accept'
      }
      if (!sameBytes(next.entry.prev, state.head)) {
        this.ctx.reject('bad-chain', this.name, from)
        return 'reject'
      }
      const batch = fresh
      // follow on with what waited in the gap buffer
      let tail = batch[batch.length - 1] as VerifiedEntry
      for (let e = this.#gap.take(state.authorHex, tail.entry.seq + 1); e !== undefined; e = this.#gap.take(state.authorHex, tail.entry.seq + 1)) {
        if (!sameBytes(e.entry.prev, tail.id)) {
          this.ctx.reject('bad-chain', this.name, from)
          break
        }
        batch.push(e)
        tail = e
      }
      this.#gap.dropUpTo(state.authorHex, tail.entry.seq)
      this.#append(state, batch)
      if (isOwn) own.adopted()
      return 'accept'
    })
  }

  #append (state: AuthorState, batch: VerifiedEntry[]): void {
    this.#store.append(state, batch.map(e => ({ seq: e.entry.seq, id: e.id, wire: e.wire, checked: e.checked }))).then(() => {
      this.ctx.stats.stored += batch.length
      this.#stored(batch)
      this.#pump()
    }, () => {})
  }

  // ---- sync: serving -------------------------------------------------------

  /** Our version vector: for each author, the durable contiguous seq and its head. */
  vector (): AuthorHead[] {
    const heads: AuthorHead[] = []
    for (const s of this.#store.authors()) {
      if (s.durableSeq > 0) heads.push({ author: pb(s.author), seq: s.durableSeq, head: pb(s.durableHead) })
    }
    return heads
  }

  /** Notes a peer's vector: delivery receipts for our packets, and forks it reveals. */
  noteVector (peer: string, heads: AuthorHead[]): void {
    this.#receipts.note(peer, heads)
  }

  /** Resolves once every accepted entry is durable. */
  async flush (): Promise<void> {
    await this.#ingestLock.run(() => {})
    await this.ctx.committer.flush()
  }

  /**
   * What a peer with vector `remote` lacks, as batches of wire entries (one
   * author each, ascending). Every batch ends with an entry whose own
   * signature we checked, so the receiver can check the batch with it.
   */
  async * missingFor (remote: AuthorHead[], limits: BatchLimits, from: string): AsyncIterable<Uint8Array[]> {
    await this.#ready
    const theirs = new Map<string, AuthorHead>()
    for (const h of remote) theirs.set(toHex(h.author), h)
    for (const state of [...this.#store.authors()]) {
      const known = theirs.get(state.authorHex)
      let next = (known?.seq ?? 0) + 1
      if (next > state.durableSeq) continue
      if (known !== undefined && known.seq > 0) {
        const ours = await this.#store.idAt(state, known.seq)
        if (ours !== toHex(known.head)) {
          // the peer holds another entry at that seq: a fork we cannot mend by sending
          this.ctx.stats.forks++
          const detail = { pipeline: this.name, author: peerIdOfKey(state), seq: known.seq, kept: ours ?? '', rejected: toHex(known.head), from }
          this.dispatchEvent(new CustomEvent('fork', { detail }))
          this.ctx.fork(detail)
          continue
        }
      }
      while (next <= state.durableSeq && !this.closed) {
        const chunk = await this.#store.read(state, next, Math.min(state.durableSeq, next + limits.maxEntries - 1))
        let bytes = 0
        let count = 0
        for (const e of chunk) {
          if (count > 0 && bytes + e.wire.length > limits.maxBytes) break
          bytes += e.wire.length
          count++
        }
        const batch = await this.#endOnChecked(state, chunk.slice(0, count))
        if (batch.length === 0) break
        yield batch.map(e => e.wire)
        next = (batch[batch.length - 1] as StoredEntry).seq + 1
      }
    }
  }

  /** Trims a batch so it ends on an entry whose signature is checked (checking it now if needed). */
  async #endOnChecked (state: AuthorState, batch: StoredEntry[]): Promise<StoredEntry[]> {
    while (batch.length > 0) {
      const last = batch[batch.length - 1] as StoredEntry
      if (last.checked) return batch
      const w = decodeWire(last.wire)
      if (w !== undefined && typeof (await verifyEntry(w, this.ctx.identities)) !== 'string') {
        await this.#store.markChecked(state, last).catch(() => {})
        return batch
      }
      batch = batch.slice(0, -1)
    }
    return batch
  }
}

function peerIdOfKey (state: AuthorState): string {
  return peerIdFromPublicKey(state.author)
}
