import { peerIdFromPublicKey } from '@pipes/identity'
import { pb, toHex } from '../../bytes.js'
import { MailboxQuotaError, NodeStoppedError } from '../../errors.js'
import { unref } from '../../timers.js'
import { MAILBOX_PIPELINE, mailboxCodec } from '../p2p-pipeline.js'
import { checkCheckpoint, decodeCheckpoint, signCheckpoint } from './checkpoint.js'
import { AuthorUsage } from './retention.js'
import type { Checkpoint } from './checkpoint.js'
import type { MailboxConfig } from './retention.js'
import type { NodeContext } from '../../context.js'
import type { UnsignedEntry } from '../../entry-codec.js'
import type { OwnPut } from '../../log/own-log.js'
import type { EncodedPayload, KindCodec, KindLog, LogRecord, PayloadMeta } from '../../payload-codec.js'
import type { AuthorHead } from '../../sync.pb.js'
import type { CheckpointCarrier } from '../../sync-session.js'

/** Where the newest checkpoint of each author is kept: `<prefix><author hex>` = the signed record. */
export const CHECKPOINT_PREFIX = '/pipes/mailbox/checkpoint/'

/** What `stats().mailbox` reports of the mailbox held now. */
export interface MailboxHeld { authors: number, entries: number, bytes: number }

/**
 * The kind of the network-wide mailbox log (`pipes:mailbox`): its codec
 * (envelopes carried as they are) with bounded retention, composed into a
 * `PersistentPipeline` like any kind.
 *
 * - **Quotas.** Of each author, at most `maxEntriesPerAuthor` envelopes and
 *   `maxBytesPerAuthor` payload bytes are held at a time, and
 *   `maxBytes` in all: over-quota input (gossip or sync) is refused by the
 *   codec's admission, before per-author state is made, and counted
 *   (`stats().mailbox.overQuota`); our own put over quota ({@link put})
 *   fails with {@link MailboxQuotaError}.
 * - **Checkpoints.** Every sweep, this node signs a checkpoint of its own
 *   log at its newest envelope older than the retention ("my entries up to
 *   seq N may be dropped; entry N has id H"). Checkpoints travel in sync
 *   ({@link checkpoints}: CHECKPOINT frames before the mailbox's batches, to
 *   peers whose vector names an older one); a node that is behind one moves
 *   the author's log to it (`KindLog.rebase`), so the author's later
 *   envelopes link on from H.
 * - **Expiry.** Every sweep drops, per author, the envelopes older than
 *   the retention that a checkpoint of the author covers, or all of them
 *   once every envelope held of the author has expired. The author's head
 *   stays, so peers do not resend what was dropped; a peer behind what was
 *   dropped is served from the checkpoint.
 */
export class MailboxKind implements KindCodec {
  readonly flags = mailboxCodec.flags
  readonly overheadBytes = mailboxCodec.overheadBytes
  readonly #ctx: NodeContext
  readonly #config: MailboxConfig
  readonly #selfHex: string
  readonly #usage = new Map<string, AuthorUsage>()
  #bytes = 0
  readonly #checkpoints = new Map<string, Checkpoint>()
  #log: KindLog | undefined
  /** True once what is held was counted (the open is done): before, checkpoints from peers wait for the next session. */
  #loaded = false
  #timer: ReturnType<typeof setInterval> | undefined
  #sweeping: Promise<void> | undefined

  constructor (ctx: NodeContext, config: MailboxConfig) {
    this.#ctx = ctx
    this.#config = config
    this.#selfHex = toHex(ctx.self.publicKey)
  }

  encode (data: Uint8Array, meta: PayloadMeta): EncodedPayload {
    return mailboxCodec.encode(data, meta)
  }

  decode (entry: UnsignedEntry): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    return mailboxCodec.decode(entry)
  }

  /** Envelopes and bytes held now, and the authors they are of. */
  held (): MailboxHeld {
    let entries = 0
    let authors = 0
    for (const u of this.#usage.values()) {
      entries += u.entries
      if (u.entries > 0) authors++
    }
    return { authors, entries, bytes: this.#bytes }
  }

  /** The checkpoint held of an author (hex of its key), if any. */
  checkpointOf (authorHex: string): { seq: number, head: string } | undefined {
    const cp = this.#checkpoints.get(authorHex)
    return cp === undefined ? undefined : { seq: cp.seq, head: toHex(cp.head) }
  }

  get #running (): boolean {
    return this.#log !== undefined && !this.#log.closed() && !this.#ctx.stopped
  }

  async open (log: KindLog): Promise<void> {
    this.#log = log
    const store = log.store
    // counted with ingest held off: a sync batch taken meanwhile would be checked against a partial count
    await log.exclusive(async () => {
      for await (const { value } of this.#ctx.kv.scan(CHECKPOINT_PREFIX)) {
        const cp = decodeCheckpoint(value)
        if (cp !== undefined) this.#checkpoints.set(toHex(cp.author), cp)
      }
      for (const state of store.authors()) this.#usage.set(state.authorHex, new AuthorUsage(state.floor + 1))
      for await (const { entry } of log.entries()) this.#record(toHex(entry.author), entry.seq, entry.time, entry.payload.length)
      this.#loaded = true
    })
    store.onRollback(() => {
      // a failed commit: what was taken and not written is not held
      for (const state of store.authors()) {
        const u = this.#usage.get(state.authorHex)
        if (u !== undefined) this.#bytes -= u.truncate(state.seq)
      }
    })
    this.#timer = setInterval(() => { void this.sweep() }, this.#config.sweepIntervalMs)
    unref(this.#timer)
    void this.sweep()
  }

  #usageOf (authorHex: string, firstSeq: number): AuthorUsage {
    let u = this.#usage.get(authorHex)
    if (u === undefined) {
      u = new AuthorUsage(firstSeq)
      this.#usage.set(authorHex, u)
    }
    return u
  }

  #record (authorHex: string, seq: number, time: number, size: number): void {
    const u = this.#usageOf(authorHex, seq)
    const before = u.bytes
    u.set(seq, time, size)
    this.#bytes += u.bytes - before
  }

  // ---- quotas --------------------------------------------------------------

  /** The quotas on input: takes what fits of an author's run, counts the rest (the ingest drops it). */
  admit (run: readonly LogRecord[]): number {
    const first = run[0]
    if (first === undefined) return 0
    const authorHex = toHex(first.entry.author)
    const u = this.#usage.get(authorHex)
    const { maxEntriesPerAuthor, maxBytesPerAuthor, maxBytes } = this.#config
    let entries = u?.entries ?? 0
    let bytes = u?.bytes ?? 0
    let total = this.#bytes
    let take = 0
    for (const e of run) {
      const size = e.entry.payload.length
      if (entries + 1 > maxEntriesPerAuthor || bytes + size > maxBytesPerAuthor || total + size > maxBytes) break
      entries++
      bytes += size
      total += size
      take++
    }
    this.#ctx.stats.mailbox.overQuota += run.length - take
    for (let i = 0; i < take; i++) {
      const e = run[i] as LogRecord
      this.#record(authorHex, e.entry.seq, e.entry.time, e.entry.payload.length)
    }
    return take
  }

  /**
   * Puts one of our envelopes (its payload from `encode`, given the seq)
   * through the mailbox's log, within our quota.
   * @throws {@link MailboxQuotaError} when it would take this identity over a quota (nothing is stored)
   */
  async put (encode: (meta: PayloadMeta) => EncodedPayload): Promise<OwnPut> {
    const log = this.#log
    if (log === undefined) throw new NodeStoppedError(`put on "${MAILBOX_PIPELINE}" before it opened`)
    return await log.put((meta) => {
      const out = encode(meta)
      const u = this.#usageOf(this.#selfHex, meta.seq)
      const size = out.payload.length
      // a seq taken again after a failed put replaces what that put recorded
      const i = meta.seq - u.base
      const replaced = i >= 0 && i < u.entries ? u.sizes[i] as number : undefined
      const entries = u.entries + (replaced === undefined ? 1 : 0)
      const { maxEntriesPerAuthor, maxBytesPerAuthor, maxBytes, retentionMs } = this.#config
      if (entries > maxEntriesPerAuthor || u.bytes - (replaced ?? 0) + size > maxBytesPerAuthor || this.#bytes - (replaced ?? 0) + size > maxBytes) {
        throw new MailboxQuotaError(`this identity holds ${u.entries} envelopes (${u.bytes} bytes) in the mailbox, and the node ${this.#bytes} bytes in all: the limits are ${maxEntriesPerAuthor} envelopes and ${maxBytesPerAuthor} bytes per author, ${maxBytes} in all. Nothing was stored; envelopes leave the quota ${Math.round(retentionMs / 1000)} s after they were put, so put again later (or raise the node's mailbox quotas)`)
      }
      // the entry's own time replaces this once it is durable
      this.#record(this.#selfHex, meta.seq, Date.now(), size)
      return out
    })
  }

  stored (entries: readonly LogRecord[]): void {
    for (const { entry } of entries) this.#record(toHex(entry.author), entry.seq, entry.time, entry.payload.length)
  }

  // ---- checkpoints in sync -------------------------------------------------

  readonly checkpoints: CheckpointCarrier = {
    markVector: (heads) => {
      if (this.#checkpoints.size === 0) return
      for (const h of heads) {
        const cp = this.#checkpoints.get(toHex(h.author))
        if (cp !== undefined) h.checkpoint = cp.seq
      }
    },
    checkpointsFor: (remote) => this.#checkpointsFor(remote),
    ingestCheckpoints: async (records, peer) => { await this.#ingestCheckpoints(records, peer) }
  }

  /**
   * The checkpoints a peer with vector `remote` lacks, and its vector as it
   * will be once it took them: a peer behind one moves to it (see
   * `#take`), so the author's batches start right after it.
   */
  #checkpointsFor (remote: AuthorHead[]): { records: Uint8Array[], remote: AuthorHead[] } {
    if (this.#checkpoints.size === 0) return { records: [], remote }
    const theirs = new Map<string, AuthorHead>()
    for (const h of remote) theirs.set(toHex(h.author), h)
    const sent = new Map<string, Checkpoint>()
    const records: Uint8Array[] = []
    for (const [authorHex, cp] of this.#checkpoints) {
      if ((theirs.get(authorHex)?.checkpoint ?? 0) >= cp.seq) continue
      sent.set(authorHex, cp)
      records.push(cp.bytes)
    }
    if (sent.size === 0) return { records, remote }
    const heads: AuthorHead[] = []
    for (const h of remote) {
      const cp = sent.get(toHex(h.author))
      heads.push(cp !== undefined && h.seq < cp.seq ? headAt(cp) : h)
    }
    for (const [authorHex, cp] of sent) if (!theirs.has(authorHex)) heads.push(headAt(cp))
    return { records, remote: heads }
  }

  async #ingestCheckpoints (records: Uint8Array[], peer: string): Promise<void> {
    const log = this.#log
    if (log === undefined || !this.#loaded || !this.#running) return
    // the newest of each author in this frame (so no two of one author are taken at once)
    const newest = new Map<string, Checkpoint>()
    const now = Date.now()
    for (const bytes of records) {
      const cp = await checkCheckpoint(bytes, this.#ctx.networkId, log.name, now, this.#ctx.maxClockSkewMs)
      if (typeof cp === 'string') {
        this.#ctx.stats.mailbox.checkpointsDropped++
        this.#ctx.reject(cp, log.name, peer)
        continue
      }
      const authorHex = toHex(cp.author)
      if ((newest.get(authorHex)?.seq ?? 0) < cp.seq) newest.set(authorHex, cp)
    }
    if (newest.size === 0) return
    // one author each, taken together: their writes share group commits instead of one commit each
    await log.exclusive(async () => {
      if (!this.#running) return
      await Promise.all([...newest.values()].map(async cp => { await this.#take(log, cp, peer) }))
    })
  }

  /** Takes a verified checkpoint newer than ours: checks it against what we hold, moves an author we are behind on to it, keeps it. */
  async #take (log: KindLog, cp: Checkpoint, from: string): Promise<void> {
    const authorHex = toHex(cp.author)
    if ((this.#checkpoints.get(authorHex)?.seq ?? 0) >= cp.seq) return
    const store = log.store
    let state = store.get(authorHex)
    if (state !== undefined && cp.seq <= state.seq) {
      const ours = await store.idAt(state, cp.seq)
      if (ours !== undefined && ours !== toHex(cp.head)) {
        // the author signed another entry at that seq than the one we hold: a fork, from two signatures
        this.#ctx.stats.mailbox.checkpointsDropped++
        log.fork({ pipeline: log.name, author: peerIdFromPublicKey(cp.author), seq: cp.seq, kept: ours, rejected: toHex(cp.head), from })
        return
      }
    } else {
      // behind it: what lies below is dropped by its author, so the log goes on from it
      // (our own too: our key wrote that much elsewhere, and our next put must follow it)
      if (state !== undefined && state.seq !== state.durableSeq) await this.#ctx.committer.flush()
      state ??= store.ensure(cp.author)
      try {
        if (!(await log.rebase(state, cp.seq, cp.head))) return
      } catch {
        // the write failed (counted by the node): the next session sends it again
        return
      }
      const u = this.#usage.get(authorHex)
      if (u !== undefined) this.#bytes -= u.bytes
      this.#usage.set(authorHex, new AuthorUsage(cp.seq + 1))
      this.#ctx.stats.mailbox.rebased++
    }
    if (await this.#keep(cp)) this.#ctx.stats.mailbox.checkpointsTaken++
  }

  /** Stores a checkpoint as the author's newest; false when the write failed. */
  async #keep (cp: Checkpoint): Promise<boolean> {
    const authorHex = toHex(cp.author)
    try {
      await this.#ctx.committer.write([{ key: CHECKPOINT_PREFIX + authorHex, value: cp.bytes }])
    } catch {
      return false
    }
    if ((this.#checkpoints.get(authorHex)?.seq ?? 0) < cp.seq) this.#checkpoints.set(authorHex, cp)
    return true
  }

  // ---- expiry --------------------------------------------------------------

  /** Signs our checkpoint and drops expired envelopes now (also run every `sweepIntervalMs`). Resolves when done. */
  async sweep (): Promise<void> {
    if (this.#sweeping !== undefined) { await this.#sweeping; return }
    this.#sweeping = this.#sweepOnce().catch(() => {
      // a store failure: counted by the node; the next sweep tries again
    }).finally(() => { this.#sweeping = undefined })
    await this.#sweeping
  }

  async #sweepOnce (): Promise<void> {
    const log = this.#log
    if (log === undefined || !this.#loaded || !this.#running) return
    const cutoff = this.#config.now() - this.#config.retentionMs
    await log.exclusive(async () => {
      if (!this.#running) return
      await this.#checkpointOwn(log, cutoff)
      const store = log.store
      const writes: Array<Promise<void>> = []
      for (const state of [...store.authors()]) {
        const u = this.#usage.get(state.authorHex)
        if (u === undefined) continue
        const expired = Math.min(u.expiredThrough(cutoff), state.durableSeq)
        if (expired <= state.floor) continue
        const cp = this.#checkpoints.get(state.authorHex)
        // below a checkpoint peers can still be served from it; with all of an author expired, nothing is left to serve
        const all = expired === state.durableSeq && state.seq === state.durableSeq
        const to = all ? expired : Math.min(expired, cp?.seq ?? 0)
        if (to <= state.floor) continue
        const head = to === cp?.seq ? cp.head : to === state.durableSeq ? state.durableHead : (await store.read(state, to, to))[0]?.id
        if (head === undefined) continue
        const dropped = to - state.floor
        this.#bytes -= u.dropTo(to)
        writes.push(store.prune(state, to, head).then(() => { this.#ctx.stats.mailbox.expired += dropped }, () => {}))
      }
      await Promise.all(writes)
    })
  }

  /** Signs a checkpoint of our own log at our newest expired envelope, when it is past the one we hold. */
  async #checkpointOwn (log: KindLog, cutoff: number): Promise<void> {
    const state = log.store.get(this.#selfHex)
    const u = this.#usage.get(this.#selfHex)
    if (state === undefined || u === undefined) return
    const seq = Math.min(u.expiredThrough(cutoff), state.durableSeq)
    if (seq < 1 || seq <= (this.#checkpoints.get(this.#selfHex)?.seq ?? 0)) return
    const head = seq === state.floor ? state.floorHead : (await log.store.read(state, seq, seq))[0]?.id
    if (head === undefined) return
    const cp = await signCheckpoint(this.#ctx.identity, this.#ctx.networkId, log.name, seq, head, Date.now())
    if (!(await this.#keep(cp))) return
    this.#ctx.stats.mailbox.checkpointsSigned++
    // peers may drop what it covers once they have it
    this.#ctx.requestSync()
  }

  async close (): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#sweeping
  }
}

function headAt (cp: Checkpoint): AuthorHead {
  return { author: pb(cp.author), seq: cp.seq, head: pb(cp.head), checkpoint: cp.seq }
}
