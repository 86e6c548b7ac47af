import { topicFor } from '@pipes/transport'
import { BasePipeline } from './base-pipeline.js'
import { prepareEntry, signEntry } from './entry-builder.js'
import { checkGossip } from './ingest/gossip-check.js'
import { plainCodec } from './payload-codec.js'
import type { NodeContext } from './context.js'
import type { EntryRules } from './entry-rules.js'
import type { SeenLately } from './ingest/gossip-check.js'
import type { PayloadCodec } from './payload-codec.js'
import type { AddPacketListenerOptions, Packet, PacketListener } from './types.js'
import type { TransportMessage, Validation } from '@pipes/transport'

/** How many recent entry ids a live pipeline remembers to deliver each once. */
const SEEN_IDS = 65_536

/** A slot in the delivery queue, filled when its entry is verified (keeps arrival order). */
interface Slot { packet: Packet | undefined, done: boolean }

/**
 * Live pipeline: entries go over gossipsub only; nodes online at send time
 * receive them; nothing is stored. The sender's listeners get their own
 * packets once, from `putPacket`.
 */
export class LivePipeline extends BasePipeline {
  readonly kind = 'live' as const
  readonly #topic: string
  readonly #rules: EntryRules
  readonly #codec: PayloadCodec
  readonly #unsubscribe: () => void
  readonly #seen = new Set<string>()
  readonly #lately: SeenLately = { seen: (w) => this.#seen.has(w.idHex) ? 'ignore' : undefined }
  readonly #queue: Slot[] = []
  #draining = false
  #idle: Promise<void> = Promise.resolve()
  #markIdle: (() => void) | undefined
  #seq = 0
  #submitted: Promise<void> = Promise.resolve()

  constructor (ctx: NodeContext, name: string, maxPacketBytes: number, codec: PayloadCodec = plainCodec) {
    super(ctx, name, maxPacketBytes)
    this.#codec = codec
    this.#topic = topicFor(ctx.networkId, name)
    this.#rules = this.entryRules(0, codec, false)
    this.#unsubscribe = ctx.transport.subscribe(this.#topic, () => {}, async (msg) => await this.#validate(msg))
  }

  async putPacket (data: Uint8Array): Promise<Packet> {
    this.checkPut(data)
    // seq, time and the delivery slot are taken now, in call order; signing
    // finishes in any order, but delivery and publish calls keep seq order
    const seq = ++this.#seq
    const time = this.ctx.clock.tick()
    const slot: Slot = { packet: undefined, done: false }
    this.#queue.push(slot)
    const previous = this.#submitted
    let submitted!: () => void
    this.#submitted = new Promise<void>(resolve => { submitted = resolve })
    let wire: Uint8Array
    let packet: Packet
    try {
      const { payload, keyEpoch } = this.#codec.encode(data, { author: this.ctx.self.publicKey, seq })
      const prepared = prepareEntry(this.ctx.identity, {
        network: this.ctx.networkId, pipeline: this.name, seq, prev: new Uint8Array(0), time, flags: this.#rules.flags, keyEpoch, payload
      })
      wire = await signEntry(this.ctx.identity, prepared)
      packet = { data, sender: this.ctx.self, timestamp: time.time, id: prepared.idHex, pipeline: this.name, seq }
      this.#remember(prepared.idHex)
    } catch (err) {
      await previous
      slot.done = true
      this.#drain()
      submitted()
      throw err
    }
    await previous
    this.ctx.stats.put++
    slot.packet = packet
    slot.done = true
    this.#drain()
    const publishing = this.ctx.publisher.publish(this.#topic, wire)
    submitted()
    await publishing
    return packet
  }

  addPacketListener (fn: PacketListener, _options?: AddPacketListenerOptions): Promise<void> {
    this.checkListener(fn)
    // live pipelines store nothing: `replay` has nothing to give
    this.listeners.add(fn)
    return Promise.resolve()
  }

  async * history (): AsyncIterable<Packet> {
    // a live pipeline keeps no history
  }

  holders (_packetId: string): string[] {
    return []
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.#unsubscribe()
    await this.#idle
  }

  async #validate (msg: TransportMessage): Promise<Validation> {
    if (this.closed) return 'ignore'
    // claim the delivery slot now, in arrival order; verification finishes in any order
    const slot: Slot = { packet: undefined, done: false }
    this.#queue.push(slot)
    try {
      const verdict = await this.#check(msg, slot)
      return verdict
    } finally {
      slot.done = true
      this.#drain()
    }
  }

  async #check (msg: TransportMessage, slot: Slot): Promise<Validation> {
    const v = await checkGossip(msg, this.#rules, this.ctx, this.#lately)
    if (typeof v === 'string') return v
    // a copy verified meanwhile
    if (this.#seen.has(v.idHex)) return 'ignore'
    this.#remember(v.idHex)
    this.ctx.clock.observe({ time: v.entry.time, counter: v.entry.counter })
    let data: Uint8Array | undefined
    try {
      data = await this.#codec.decode(v.entry)
    } catch {
      this.ctx.stats.undecryptable++
      return 'ignore'
    }
    // a record of the kind itself: valid, relayed, not delivered
    if (data === undefined) return 'accept'
    slot.packet = { data, sender: v.sender, timestamp: v.entry.time, id: v.idHex, pipeline: this.name, seq: v.entry.seq }
    return 'accept'
  }

  #remember (idHex: string): void {
    this.#seen.add(idHex)
    if (this.#seen.size > SEEN_IDS) {
      const oldest = this.#seen.values().next().value
      if (oldest !== undefined) this.#seen.delete(oldest)
    }
  }

  /** Delivers finished slots from the head of the queue, one packet at a time. */
  #drain (): void {
    if (this.#draining) return
    this.#draining = true
    this.#idle = new Promise(resolve => { this.#markIdle = resolve })
    void (async () => {
      try {
        while (this.#queue.length > 0 && (this.#queue[0] as Slot).done) {
          const slot = this.#queue.shift() as Slot
          if (slot.packet === undefined) continue
          this.ctx.stats.delivered++
          await this.listeners.deliver(slot.packet, this)
        }
      } finally {
        this.#draining = false
        this.#markIdle?.()
        if (this.#queue.length > 0 && (this.#queue[0] as Slot).done) this.#drain()
      }
    })()
  }
}
