import { AEAD_OVERHEAD_BYTES, bytesToHex, peerIdFromPublicKey } from '@pipes/identity'
import { BasePipeline } from '../base-pipeline.js'
import { FLAG_ENCRYPTED, FLAG_PERSISTENT, FLAG_POINT_TO_POINT } from '../entry-codec.js'
import { Mutex } from '@pipes/interface'
import { Outbox } from './outbox.js'
import { PAIR_TAG_BYTES, PairCodec } from './pair-codec.js'
import { MAX_HISTORY_PAGE, pageLimit } from '../log/time-index.js'
import type { HistoryOptions } from '../log/time-index.js'
import type { NodeContext } from '../context.js'
import type { UnsignedEntry } from '../entry-codec.js'
import type { EncodedPayload, PayloadCodec } from '../payload-codec.js'
import type { PersistentPipeline } from '../persistent-pipeline.js'
import type { MailboxKind } from './mailbox/mailbox-kind.js'
import type { AddPacketListenerOptions, Packet, PacketListener, ReceiptDetail } from '../types.js'
import type { Identity } from '@pipes/identity'

/** Name of the network-wide mailbox log every node carries (reserved: apps cannot create it). */
export const MAILBOX_PIPELINE = 'pipes:mailbox'
/** Flags of mailbox entries. */
export const MAILBOX_FLAGS = FLAG_PERSISTENT | FLAG_POINT_TO_POINT | FLAG_ENCRYPTED

/**
 * The codec of the mailbox log itself: payloads are point-to-point envelopes,
 * carried as they are; only the two ends of a pipeline open them.
 */
export const mailboxCodec: PayloadCodec = {
  flags: FLAG_POINT_TO_POINT | FLAG_ENCRYPTED,
  overheadBytes: PAIR_TAG_BYTES + AEAD_OVERHEAD_BYTES,
  encode: (data) => ({ payload: data, keyEpoch: 0 }),
  decode: (entry) => entry.payload
}

/** The peer of a point-to-point pipeline: an Identity, or only its key (from its id). */
export interface PeerRef {
  publicKey: Uint8Array
  id: string
}

/**
 * A point-to-point pipeline: packets sealed for one peer (pair key from
 * X25519 agreement), written to this node's log in the network-wide mailbox.
 * That log is the outbox: `putPacket` resolves once the envelope is durably
 * stored; gossip, a direct push to the peer (see {@link Outbox}) and sync
 * through any node carry it on. Both ends' envelopes of this pipeline are
 * delivered to its listeners, once each, in per-author order, across
 * restarts (a delivered watermark per author is stored).
 */
export class P2pPipeline extends BasePipeline {
  readonly kind = 'p2p' as const
  /** The identity packets are sealed to. */
  readonly peer: PeerRef
  readonly #mailbox: PersistentPipeline
  /** The mailbox's kind: our envelopes are put through it, within our quota. */
  readonly #mailboxKind: MailboxKind
  readonly #codec: PairCodec
  readonly #outbox: Outbox
  readonly #marksPrefix: string
  readonly #marks = new Map<string, number>()
  readonly #lock = new Mutex()
  readonly #ready: Promise<void>
  #attached = false
  readonly #onMailbox = async (packet: Packet): Promise<void> => { await this.#take(packet) }
  readonly #onReceipt = (evt: Event): void => { this.#outbox.receipt((evt as CustomEvent<ReceiptDetail>).detail) }

  constructor (ctx: NodeContext, name: string, maxPacketBytes: number, peer: PeerRef, mailbox: PersistentPipeline, mailboxKind: MailboxKind) {
    super(ctx, name, maxPacketBytes)
    this.peer = peer
    this.#mailbox = mailbox
    this.#mailboxKind = mailboxKind
    this.#codec = new PairCodec(ctx.identity, peer as Identity, ctx.networkId, name, mailboxCodec.flags)
    this.#outbox = new Outbox(ctx, peer.id)
    this.#marksPrefix = `/pipes/p2p/${bytesToHex(new TextEncoder().encode(name))}/${bytesToHex(peer.publicKey)}/`
    mailbox.addEventListener('receipt', this.#onReceipt)
    this.#ready = this.#open()
    this.#ready.catch(() => {})
  }

  async #open (): Promise<void> {
    await this.#mailbox.ready()
    for await (const { key, value } of this.ctx.kv.scan(this.#marksPrefix)) {
      if (value.length === 8) this.#marks.set(key.slice(this.#marksPrefix.length), Number(new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0)))
    }
    // envelopes of ours put before a restart: make sure the peer gets them
    let last = 0
    const self = bytesToHex(this.ctx.self.publicKey)
    for await (const p of this.#mailbox.history()) {
      if (bytesToHex(p.sender.publicKey) === self && this.#codec.matches(p.data)) last = p.seq
    }
    if (last > 0) this.#outbox.push(last)
  }

  /** Resolves once the pipeline's state is loaded. */
  async ready (): Promise<void> { await this.#ready }

  async putPacket (data: Uint8Array): Promise<Packet> {
    this.checkPut(data)
    await this.#ready
    this.checkPut(data)
    const put = await this.#mailboxKind.put((meta): EncodedPayload => this.#codec.encode(data, meta))
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

  /** One mailbox packet: ours to deliver if it is by an end, carries our tag, is new, and opens. */
  async #take (envelope: Packet): Promise<void> {
    await this.#lock.run(async () => {
      if (this.closed || this.listeners.size === 0) return
      const authorHex = bytesToHex(envelope.sender.publicKey)
      if ((this.#marks.get(authorHex) ?? 0) >= envelope.seq) return
      const packet = this.#open1(envelope)
      if (packet === undefined) return
      this.ctx.stats.delivered++
      await this.listeners.deliver(packet, this)
      this.#marks.set(authorHex, envelope.seq)
      const value = new Uint8Array(8)
      new DataView(value.buffer).setBigUint64(0, BigInt(envelope.seq))
      // like the persistent pipeline's watermark: written with the next group commit (flushed by stop)
      this.ctx.committer.write([{ key: this.#marksPrefix + authorHex, value }]).catch(() => {})
    })
  }

  /** The packet inside a mailbox envelope, or undefined when it is not for this pipeline (or does not open: counted). */
  #open1 (envelope: Packet): Packet | undefined {
    const author = envelope.sender.publicKey
    const authorHex = bytesToHex(author)
    if (authorHex !== bytesToHex(this.ctx.self.publicKey) && authorHex !== bytesToHex(this.peer.publicKey)) return undefined
    if (!this.#codec.matches(envelope.data)) return undefined
    const entry = { author, seq: envelope.seq, keyEpoch: 0, flags: MAILBOX_FLAGS, payload: envelope.data } as unknown as UnsignedEntry
    try {
      const data = this.#codec.decode(entry)
      return { ...envelope, data, pipeline: this.name }
    } catch {
      this.ctx.stats.undecryptable++
      return undefined
    }
  }

  async * history (options?: HistoryOptions): AsyncIterable<Packet> {
    await this.#ready
    if (options !== undefined) {
      yield * this.#page(options)
      return
    }
    for await (const envelope of this.#mailbox.history()) {
      const p = this.#open1(envelope)
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
        const p = this.#open1(envelope)
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
