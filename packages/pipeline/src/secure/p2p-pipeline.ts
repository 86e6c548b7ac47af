import { aeadOpen, aeadSeal, bytesToHex, hkdf, peerIdFromPublicKey, utf8Encode } from '@pipes/identity'
import { BasePipeline } from '../base-pipeline.js'
import { FLAG_ENCRYPTED, FLAG_PERSISTENT, FLAG_POINT_TO_POINT } from '../entry-codec.js'
import { Mutex } from '@pipes/interface'
import { Outbox } from './outbox.js'
import { PAIR_OVERHEAD_BYTES, PairCodec } from './pair-codec.js'
import { MAX_HISTORY_PAGE, pageLimit } from '../log/time-index.js'
import type { HistoryOptions } from '../log/time-index.js'
import type { NodeContext } from '../context.js'
import type { KvOp } from '../kv.js'
import type { EncodedPayload, PayloadCodec } from '../payload-codec.js'
import type { PersistentPipeline } from '../persistent-pipeline.js'
import type { MailboxKind } from './mailbox/mailbox-kind.js'
import type { Prekeys } from './prekeys.js'
import type { AddPacketListenerOptions, Packet, PacketListener, ReceiptDetail } from '../types.js'
import type { Identity, LocalIdentity } from '@pipes/identity'

/** Name of the network-wide mailbox log every node carries (reserved: apps cannot create it). */
export const MAILBOX_PIPELINE = 'pipes:mailbox'
/** Flags of mailbox entries. */
/** HKDF info of the key that seals a point-to-point pipeline's kept state and packets at rest. */
const REST_INFO = 'pipes/p2p/at-rest/v1'

/** The key that seals what a point-to-point pipeline keeps under `prefix` (`/pipes/p2pm/<name>/<peer>/`): only the identity opens it. */
export function restKeyFor (identity: LocalIdentity, prefix: string): Uint8Array {
  return hkdf(identity.secretKey, { info: REST_INFO, salt: utf8Encode(prefix) })
}

export const MAILBOX_FLAGS = FLAG_PERSISTENT | FLAG_POINT_TO_POINT | FLAG_ENCRYPTED

/**
 * The codec of the mailbox log itself: payloads are point-to-point envelopes,
 * carried as they are; only the two ends of a pipeline open them.
 */
export const mailboxCodec: PayloadCodec = {
  flags: FLAG_POINT_TO_POINT | FLAG_ENCRYPTED,
  overheadBytes: PAIR_OVERHEAD_BYTES,
  encode: (data) => ({ payload: data, keyEpoch: 0 }),
  decode: (entry) => entry.payload
}

/** The peer of a point-to-point pipeline: an Identity, or only its key (from its id). */
export interface PeerRef {
  publicKey: Uint8Array
  id: string
}

/**
 * A point-to-point pipeline: packets sealed for one peer (message keys from
 * the pair's ratchet, {@link PairCodec}), written to this node's log in the
 * network-wide mailbox. That log is the outbox: `putPacket` resolves once
 * the envelope is durably stored; gossip, a push to the peer (see
 * {@link Outbox}) and sync through any node carry it on. Both ends'
 * envelopes of this pipeline are delivered to its listeners, once each, in
 * per-author order, across restarts (a delivered watermark per author is
 * stored).
 *
 * Message keys are used once and forgotten, so no envelope can be opened
 * again: the pipeline keeps the packets it sent and opened (under
 * `/pipes/p2pm/<name>/<peer>/`, beside the ratchet state, written in the
 * same batches), and `history()` reads them for the envelopes the mailbox
 * still holds.
 */
export class P2pPipeline extends BasePipeline {
  readonly kind = 'p2p' as const
  /** The identity packets are sealed to. */
  readonly peer: PeerRef
  readonly #mailbox: PersistentPipeline
  /** The mailbox's kind: our envelopes are put through it, within our quota. */
  readonly #mailboxKind: MailboxKind
  readonly #prekeys: Prekeys | undefined
  #codec: PairCodec | undefined
  readonly #outbox: Outbox
  readonly #marksPrefix: string
  /** Where the ratchet state and the kept packets are: `<prefix>state`, `<prefix>m/<author hex>/<seq>`. */
  readonly #keptPrefix: string
  /** Seals what is kept at rest (ratchet state, packets), so the store alone reads none of it: HKDF of the identity's secret key. */
  readonly #restKey: Uint8Array
  /** Our packets put and not yet delivered to our listeners (the rest is read from the store). */
  readonly #ownUndelivered = new Map<number, Uint8Array>()
  readonly #marks = new Map<string, number>()
  readonly #lock = new Mutex()
  readonly #ready: Promise<void>
  #attached = false
  readonly #onMailbox = async (packet: Packet): Promise<void> => { await this.#take(packet) }
  readonly #onReceipt = (evt: Event): void => { this.#outbox.receipt((evt as CustomEvent<ReceiptDetail>).detail) }

  /** `directPush`: the outbox looks the peer up and dials it when it is not connected (see {@link Outbox}). */
  constructor (ctx: NodeContext, name: string, maxPacketBytes: number, peer: PeerRef, mailbox: PersistentPipeline, mailboxKind: MailboxKind, directPush = false, prekeys?: Prekeys) {
    super(ctx, name, maxPacketBytes)
    this.#prekeys = prekeys
    this.peer = peer
    this.#mailbox = mailbox
    this.#mailboxKind = mailboxKind
    this.#outbox = new Outbox(ctx, peer.id, directPush)
    this.#marksPrefix = `/pipes/p2p/${bytesToHex(new TextEncoder().encode(name))}/${bytesToHex(peer.publicKey)}/`
    this.#keptPrefix = `/pipes/p2pm/${bytesToHex(new TextEncoder().encode(name))}/${bytesToHex(peer.publicKey)}/`
    this.#restKey = restKeyFor(ctx.identity, this.#keptPrefix)
    mailbox.addEventListener('receipt', this.#onReceipt)
    this.#ready = this.#open()
    this.#ready.catch(() => {})
  }

  async #open (): Promise<void> {
    await this.#mailbox.ready()
    for await (const { key, value } of this.ctx.kv.scan(this.#marksPrefix)) {
      if (value.length === 8) this.#marks.set(key.slice(this.#marksPrefix.length), Number(new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0)))
    }
    await this.#prekeys?.ready()
    const saved = await this.#readKept(this.#keptPrefix + 'state')
    const codec = new PairCodec(this.ctx.identity, this.peer as Identity, this.ctx.networkId, this.name, mailboxCodec.flags, saved, this.#prekeys)
    this.#codec = codec
    // envelopes of ours put before a restart: make sure the peer gets them
    let last = 0
    const self = bytesToHex(this.ctx.self.publicKey)
    const held = new Set<string>()
    for await (const p of this.#mailbox.history()) {
      const author = bytesToHex(p.sender.publicKey)
      if (!codec.matches(p.data, p.sender.publicKey, p.seq)) continue
      held.add(this.#keptKey(author, p.seq))
      if (author === self) last = p.seq
    }
    if (last > 0) this.#outbox.push(last)
    // kept packets whose envelopes the mailbox dropped (expired) go with them
    const gone: KvOp[] = []
    for await (const { key } of this.ctx.kv.scan(this.#keptPrefix + 'm/')) if (!held.has(key)) gone.push({ key })
    if (gone.length > 0) await this.ctx.committer.write(gone).catch(() => {})
  }

  /** A write of `value` at `key`, sealed under the rest key and bound to its key. */
  #sealed (key: string, value: Uint8Array): KvOp {
    return { key, value: aeadSeal(this.#restKey, value, utf8Encode(key)) }
  }

  /** What {@link #sealed} wrote at `key`, or undefined when absent or not opening (another identity's, or damaged). */
  #opened (key: string, value: Uint8Array | undefined): Uint8Array | undefined {
    if (value === undefined) return undefined
    try {
      return aeadOpen(this.#restKey, value, utf8Encode(key))
    } catch {
      return undefined
    }
  }

  async #readKept (key: string): Promise<Uint8Array | undefined> {
    const [value] = await this.ctx.kv.getMany([key])
    return this.#opened(key, value)
  }

  #keptKey (authorHex: string, seq: number): string {
    return `${this.#keptPrefix}m/${authorHex}/${String(seq).padStart(16, '0')}`
  }

  /** Resolves once the pipeline's state is loaded. */
  async ready (): Promise<void> { await this.#ready }

  async putPacket (data: Uint8Array): Promise<Packet> {
    this.checkPut(data)
    await this.#ready
    this.checkPut(data)
    const codec = this.#codec as PairCodec
    const put = await this.#mailboxKind.put((meta): EncodedPayload => {
      const out = codec.encode(data, meta)
      // the ratchet moved and only we keep this packet: both go to the store before (or with) the entry
      this.#ownUndelivered.set(meta.seq, data)
      this.ctx.committer.write([
        this.#sealed(this.#keptPrefix + 'state', codec.ratchet.save()),
        this.#sealed(this.#keptKey(bytesToHex(meta.author), meta.seq), data)
      ]).catch(() => {})
      return out
    })
    this.ctx.stats.put++
    this.#outbox.push(put.seq)
    return { data, sender: this.ctx.self, timestamp: put.time.time, id: put.idHex, pipeline: this.name, seq: put.seq }
  }

  addPacketListener (fn: PacketListener, options?: AddPacketListenerOptions): Promise<void> {
    this.checkListener(fn)
    if (this.listeners.has(fn)) return Promise.resolve()
    if (options?.replay === true) {
      return this.#lock.run(async () => {
        try {
          // what the other listeners already got; the rest reaches every listener through the mailbox
          for await (const p of this.history()) {
            if (p.seq <= (this.#marks.get(bytesToHex(p.sender.publicKey)) ?? 0)) await this.#callOne(fn, p)
          }
        } finally {
          this.listeners.add(fn)
        }
      }).then(() => { this.#attach() }, () => {})
    }
    this.listeners.add(fn)
    this.#attach()
    return Promise.resolve()
  }

  override removePacketListener (fn: PacketListener): void {
    super.removePacketListener(fn)
    if (this.listeners.size === 0 && this.#attached) {
      this.#attached = false
      this.#mailbox.removePacketListener(this.#onMailbox)
    }
  }

  /** Listens to the mailbox (replaying what it delivered before: our watermarks skip what we delivered). */
  #attach (): void {
    if (this.#attached || this.closed) return
    this.#attached = true
    void this.#ready.then(() => {
      if (this.#attached && !this.closed) void this.#mailbox.addPacketListener(this.#onMailbox, { replay: true })
    }, () => {})
  }

  async #callOne (fn: PacketListener, p: Packet): Promise<void> {
    try {
      const r = fn(p, this)
      if (r !== undefined && typeof (r as Promise<void>).then === 'function') await r
    } catch {
      this.ctx.stats.listenerErrors++
    }
  }

  /** One mailbox packet: ours to deliver if it is by an end, carries our tag, is new, and opens (or is one we put). */
  async #take (envelope: Packet): Promise<void> {
    await this.#lock.run(async () => {
      if (this.closed || this.listeners.size === 0) return
      const codec = this.#codec
      if (codec === undefined) return
      const author = envelope.sender.publicKey
      const authorHex = bytesToHex(author)
      if ((this.#marks.get(authorHex) ?? 0) >= envelope.seq) return
      if (!codec.matches(envelope.data, author, envelope.seq)) return
      const own = authorHex === bytesToHex(this.ctx.self.publicKey)
      let data: Uint8Array | undefined
      const writes: KvOp[] = []
      if (own) {
        data = this.#ownUndelivered.get(envelope.seq) ?? await this.#readKept(this.#keptKey(authorHex, envelope.seq))
        this.#ownUndelivered.delete(envelope.seq)
      } else {
        try {
          data = codec.decode({ author, seq: envelope.seq, keyEpoch: 0, flags: MAILBOX_FLAGS, payload: envelope.data })
          writes.push(this.#sealed(this.#keptPrefix + 'state', codec.ratchet.save()), this.#sealed(this.#keptKey(authorHex, envelope.seq), data))
        } catch {
          data = undefined
        }
      }
      if (data === undefined) {
        this.ctx.stats.undecryptable++
        return
      }
      const packet: Packet = { ...envelope, data, pipeline: this.name }
      this.ctx.stats.delivered++
      await this.listeners.deliver(packet, this)
      this.#marks.set(authorHex, envelope.seq)
      const value = new Uint8Array(8)
      new DataView(value.buffer).setBigUint64(0, BigInt(envelope.seq))
      writes.push({ key: this.#marksPrefix + authorHex, value })
      // like the persistent pipeline's watermark: written with the next group commit (flushed by stop);
      // the ratchet state, the opened packet and the watermark land together
      this.ctx.committer.write(writes).catch(() => {})
    })
  }

  /** The packet of this pair an envelope holds, as this node put or opened it, or undefined (another pair's, or not kept). */
  async #kept (envelope: Packet): Promise<Packet | undefined> {
    const author = envelope.sender.publicKey
    if (!(this.#codec as PairCodec).matches(envelope.data, author, envelope.seq)) return undefined
    const authorHex = bytesToHex(author)
    const data = await this.#readKept(this.#keptKey(authorHex, envelope.seq))
    const kept = data ?? (authorHex === bytesToHex(this.ctx.self.publicKey) ? this.#ownUndelivered.get(envelope.seq) : undefined)
    return kept === undefined ? undefined : { ...envelope, data: kept, pipeline: this.name }
  }

  /** The packets of both ends this node put or opened whose envelopes the mailbox still holds, in mailbox order (or one page of them). */
  async * history (options?: HistoryOptions): AsyncIterable<Packet> {
    await this.#ready
    if (options !== undefined) {
      yield * this.#page(options)
      return
    }
    for await (const envelope of this.#mailbox.history()) {
      const p = await this.#kept(envelope)
      if (p !== undefined) yield p
    }
  }

  /** A page: the mailbox's pages in time order, keeping this pair's envelopes, until `limit` are given. */
  async * #page (options: HistoryOptions): AsyncIterable<Packet> {
    const limit = pageLimit(options?.limit)
    let cursor = options
    let given = 0
    while (true) {
      let read = 0
      let last: string | undefined
      for await (const envelope of this.#mailbox.history({ ...cursor, limit: MAX_HISTORY_PAGE })) {
        read++
        last = envelope.id
        const p = await this.#kept(envelope)
        if (p === undefined) continue
        yield p
        if (++given >= limit) return
      }
      if (read < MAX_HISTORY_PAGE || last === undefined) return
      cursor = cursor.reverse === true ? { ...cursor, before: last } : { ...cursor, after: last }
    }
  }

  holders (packetId: string): string[] {
    return this.#mailbox.holders(packetId)
  }

  /** Whether the peer is known to hold every packet put here since the pipeline was created. */
  get acknowledged (): boolean { return this.#outbox.acknowledged }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.#outbox.close()
    this.#mailbox.removeEventListener('receipt', this.#onReceipt)
    this.#mailbox.removePacketListener(this.#onMailbox)
    await this.#ready.catch(() => {})
    await this.#lock.run(() => {})
  }
}

/** The peer reference of a `peer` option: an Identity, or an id whose key is read from it. */
export function peerRefOf (publicKey: Uint8Array): PeerRef {
  return { publicKey, id: peerIdFromPublicKey(publicKey) }
}
