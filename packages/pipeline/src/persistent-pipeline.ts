import { topicFor } from '@pipes/transport'
import { BasePipeline } from './base-pipeline.js'
import { NodeStoppedError } from './errors.js'
import { Delivery } from './delivery.js'
import { FLAG_PERSISTENT } from './entry-codec.js'
import { ENTRY_OVERHEAD_BYTES } from './entry-rules.js'
import { StoredIngest } from './ingest/stored-ingest.js'
import { historyPage } from './log/history-page.js'
import { PipelineLog } from './log/pipeline-log.js'
import { plainCodec } from './payload-codec.js'
import { SyncServer } from './sync/sync-server.js'
import type { NodeContext } from './context.js'
import type { EntryRules } from './entry-rules.js'
import type { OwnLog, OwnPut } from './log/own-log.js'
import type { HistoryOptions } from './log/time-index.js'
import type { EncodedPayload, KindCodec, KindLog, LogRecord, PayloadMeta } from './payload-codec.js'
import type { BatchLimits } from './serving.js'
import type { CheckpointCarrier } from './sync-session.js'
import type { AuthorHead } from './sync.pb.js'
import type { AddPacketListenerOptions, Packet, PacketListener, PipelineKind } from './types.js'

export type { BatchLimits } from './serving.js'

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
  readonly #codec: KindCodec
  /** This pipeline's log as its codec, or a kind built over it, writes and reads it. */
  readonly kindLog: KindLog
  /** The kind's signed checkpoints in sync (the mailbox's), if it has them. */
  readonly checkpoints: CheckpointCarrier | undefined
  readonly #log: PipelineLog
  readonly #ingest: StoredIngest
  readonly #delivery: Delivery
  readonly #server: SyncServer
  readonly #ready: Promise<void>
  #unsubscribe: () => void = () => {}

  /** `codec`: what makes this kind (plain, the mailbox's envelopes, encrypted with its records). */
  constructor (ctx: NodeContext, name: string, maxPacketBytes: number, codec: KindCodec = plainCodec) {
    super(ctx, name, maxPacketBytes)
    this.#codec = codec
    this.#topic = topicFor(ctx.networkId, name)
    this.#rules = this.entryRules(FLAG_PERSISTENT, codec, true)
    this.#log = new PipelineLog(ctx, name, this.#rules.flags)
    this.checkpoints = codec.checkpoints
    this.#server = new SyncServer({ ctx, name, log: this.#log, events: this, closed: () => this.closed, checkpoints: codec.checkpoints })
    this.#delivery = new Delivery({
      ctx, store: this.#log.store, codec, listeners: this.listeners, pipeline: this, running: () => this.opened
    })
    this.#ingest = new StoredIngest({
      ctx,
      name,
      rules: this.#rules,
      log: this.#log,
      delivery: this.#delivery,
      events: this,
      running: () => this.opened,
      durable: (entries) => {
        this.#stored(entries)
        this.#checkOwnHeads()
      },
      admit: (run) => codec.admit?.(run) ?? run.length
    })
    this.kindLog = {
      name,
      closed: () => this.closed,
      ready: async () => { await this.#ready },
      put: async (encode) => await this.#put(encode),
      entries: () => this.#entries(),
      keysChanged: () => { this.#delivery.keysChanged() },
      store: this.#log.store,
      exclusive: async (fn) => await this.#ingest.exclusive(fn),
      rebase: async (state, seq, head) => {
        try {
          return await this.#log.rebase(state, seq, head)
        } finally {
          // our own log may have moved to our head as peers know it
          this.#checkOwnHeads()
        }
      },
      fork: (detail) => { this.#ingest.fork(detail) }
    }
    this.#ready = this.#open()
    // a failed open is reported by every call that awaits it
    this.#ready.catch(() => {})
  }

  async #open (): Promise<void> {
    const own = await this.#log.open()
    this.#server.attach(own)
    await this.#codec.open?.(this.kindLog)
    if (this.closed) return
    this.#unsubscribe = this.ctx.transport.subscribe(this.#topic, () => {}, async (msg) => await this.#ingest.gossip(msg))
    this.#delivery.pump()
    this.ctx.requestSync()
  }

  #restoring: Promise<void> | undefined
  /**
   * A restored identity's first packet puts: once our own head is known
   * (else `OwnHeadsUnknownError`), the kind takes in the entries of ours
   * that came from a peer before a payload is encoded; the store hands them
   * to the kind a moment after they land, and the kind's hook may still be
   * writing its genesis (which lifts the guard first), so a put right then
   * would not find their keys yet.
   */
  async #restoredReady (): Promise<void> {
    const own = this.#log.own
    if (this.#codec.restored === undefined || own === undefined) return
    if (this.#restoring === undefined) {
      // not restored, or restored and its guard lifted in an earlier run (the store holds all)
      if (own.headsKnown && !this.#headsHookDone) return
      // durable once our entries up to our head are: the kind finds them in the log
      if (!own.headsKnown) await own.knowHeads()
      // queued behind what the kind does meanwhile (taking in those entries, a genesis write of its hook)
      this.#restoring ??= this.#codec.restored(this.kindLog)
    }
    await this.#restoring
  }

  #headsHookDone = false
  /** Tells the codec, once, that our head was learned from a peer (a restored identity only). */
  #checkOwnHeads (): void {
    const own = this.#log.own
    if (this.#headsHookDone || own === undefined || own.headsKnown || !own.headsLearned) return
    this.#headsHookDone = true
    try {
      this.#codec.ownHeadsLearned?.(this.kindLog)
    } catch {
      // a hook's failure is its own
    }
  }

  /**
   * Puts an entry whose payload `encode` makes (given the seq it will have):
   * packets, and the records of kinds (control records, sealed envelopes)
   * through {@link kindLog}. Resolves once durable. `payloadBytes`, when
   * known, is held against the commit queue's byte bound while the put is in flight.
   */
  async #put (encode: (meta: PayloadMeta) => EncodedPayload, payloadBytes = 0): Promise<OwnPut> {
    if (this.closed || this.ctx.stopped) throw new NodeStoppedError(`put on "${this.name}"`)
    // called from the codec's open (part of the open) the log is already loaded
    if (this.#log.own === undefined) await this.#ready
    // a backlog of commits holds writers back instead of growing in memory;
    // what this put writes (entry and head) counts against the bounds until it is durable
    // (while queued it counts twice: a burst of puts stays well inside them)
    const release = await this.ctx.committer.room(2, payloadBytes + ENTRY_OVERHEAD_BYTES)
    const own = this.#log.own as OwnLog
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

  /** Tells the codec which entries became durable. */
  #stored (entries: readonly LogRecord[]): void {
    try {
      this.#codec.stored?.(entries, this.kindLog)
    } catch {
      // a hook's failure is its own; storage and delivery go on
    }
  }

  /** Resolves once the store is open; rejects if it failed to open. */
  async ready (): Promise<void> {
    await this.#ready
  }

  /** True once the store is open and the pipeline takes part in sync. */
  get opened (): boolean { return this.#log.own !== undefined && !this.closed }

  /** Entries waiting in the gap buffer. */
  get gapBuffered (): number { return this.#ingest.gapBuffered }
  get gapDropped (): number { return this.#ingest.gapDropped }

  async putPacket (data: Uint8Array): Promise<Packet> {
    this.checkPut(data)
    await this.#ready
    this.checkPut(data)
    await this.#restoredReady()
    const { seq, idHex, time } = await this.#put((meta) => this.#codec.encode(data, meta), data.length)
    this.ctx.stats.put++
    return { data, sender: this.ctx.self, timestamp: time.time, id: idHex, pipeline: this.name, seq }
  }

  addPacketListener (fn: PacketListener, options?: AddPacketListenerOptions): Promise<void> {
    this.checkListener(fn)
    if (this.listeners.has(fn)) return Promise.resolve()
    if (options?.replay !== true) {
      this.listeners.add(fn)
      this.#delivery.pump()
      return Promise.resolve()
    }
    // replay under the delivery lock: stored-and-delivered entries first, then the live set
    return this.#delivery.replay(fn, this.#ready)
  }

  async * history (options?: HistoryOptions): AsyncIterable<Packet> {
    await this.#ready
    // a page: read through the time index, not the whole log
    if (options !== undefined) {
      yield * historyPage(this.#log.index, this.#log.store, options, async (d) => await this.#delivery.toPacket(d))
      return
    }
    for await (const d of this.#log.scan()) {
      const packet = await this.#delivery.toPacket(d)
      if (typeof packet !== 'string') yield packet
    }
  }

  holders (packetId: string): string[] {
    return this.#server.holders(packetId)
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.#unsubscribe()
    await this.#ready.catch(() => {})
    await this.#ingest.idle()
    await this.#delivery.done
    await this.#delivery.lock.run(() => {})
    await this.ctx.committer.flush()
    this.#log.close()
    await this.#codec.close?.()
  }

  /** Every durable entry, author by author in seq order (no decoding of payloads). */
  async * #entries (): AsyncIterable<LogRecord> {
    for await (const d of this.#log.scan()) {
      if (d.entry !== undefined) yield { entry: d.entry, idHex: d.idHex }
    }
  }

  // ---- input from the network: see StoredIngest -----------------------------

  /**
   * Takes in one sync batch: decodes and checks every entry, checks the
   * hash chain and the last entry's signature, then stores what is new.
   * A refused batch is counted under its reason; returns false then.
   */
  async ingestBatch (wires: Uint8Array[], from: string, limits: BatchLimits): Promise<boolean> {
    return await this.#ingest.batch(wires, from, limits)
  }

  // ---- sync: what we serve -------------------------------------------------------

  /**
   * A put that gossip sent to fewer peers than are connected (before the
   * mesh forms, most often) goes out over sync at once instead of waiting
   * for the periodic sync.
   */
  #reached (recipients: number): void {
    if (this.closed || this.ctx.stopped) return
    if (recipients < this.ctx.transport.peers().length) this.ctx.requestSync()
  }

  /** Our version vector (see {@link SyncServer}). */
  vector (): AuthorHead[] {
    return this.#server.vector()
  }

  /** Notes a peer's vector: receipts, and our own head for a restored identity. */
  noteVector (peer: string, heads: AuthorHead[]): void {
    this.#server.noteVector(peer, heads)
  }

  /** A peer's vector is complete (its last page came): it tells a restored identity its own head here. */
  vectorDone (peer: string): void {
    this.#server.vectorDone(peer)
    this.#checkOwnHeads()
  }

  /** Resolves once every entry accepted before the call is durable (or its commit failed); later writes do not hold it up. */
  async flush (): Promise<void> {
    await this.#ingest.flush()
  }

  /**
   * What a peer with vector `remote` lacks, as batches (see {@link SyncServer}).
   * `_from`, the peer served, is no longer needed: its claims are reported by nothing.
   */
  async * missingFor (remote: AuthorHead[], limits: BatchLimits, _from: string): AsyncIterable<Uint8Array[]> {
    await this.#ready
    yield * this.#server.missingFor(remote, limits)
  }
}
