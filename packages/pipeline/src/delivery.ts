import { decodeWire } from './entry-codec.js'
import { callListener } from './listener-set.js'
import { Mutex } from './mutex.js'
import type { NodeContext } from './context.js'
import type { UnsignedEntry } from './entry-codec.js'
import type { AuthorState, EntryStore, StoredEntry } from './entry-store.js'
import type { ListenerSet } from './listener-set.js'
import type { PayloadCodec } from './payload-codec.js'
import type { Identity } from '@pipes/identity'
import type { Packet, PacketListener, Pipeline } from './types.js'

/** Entries read from the store at a time when delivering or replaying. */
export const READ_CHUNK = 256

/**
 * Most just-stored entries kept in memory for delivery. Beyond it (no
 * listener, an entry waiting for its key, slow listeners) entries are read
 * back from the store, as they always may be.
 */
const MAX_HELD = 4096

/** A durable entry ready to become a packet: decoded, with its id, and its sender when already verified. */
export interface Deliverable {
  seq: number
  /** Undefined for a stored record that does not decode: skipped, never delivered. */
  entry: UnsignedEntry | undefined
  idHex: string
  sender?: Identity
}

/** What delivery needs from its pipeline. */
export interface DeliveryHost {
  readonly ctx: NodeContext
  readonly store: EntryStore
  readonly codec: PayloadCodec
  readonly listeners: ListenerSet
  readonly pipeline: Pipeline
  /** False while the store is not open, or once the pipeline is closed. */
  running (): boolean
}

/**
 * Delivery of one persistent pipeline: durable, undelivered entries go to
 * the listeners author by author in seq order, each once; the delivered
 * watermark is stored with the next group commit. Entries that just became
 * durable are held (bounded) so they are delivered without reading and
 * decoding them back from the store.
 */
export class Delivery {
  readonly #host: DeliveryHost
  readonly lock = new Mutex()
  /** Just-stored entries by author, by seq. */
  readonly #held = new Map<string, Map<number, Deliverable>>()
  #heldCount = 0
  #pumping = false
  #again = false
  #done: Promise<void> = Promise.resolve()

  constructor (host: DeliveryHost) {
    this.#host = host
  }

  /** Resolves once the delivery running now (if any) is over. */
  get done (): Promise<void> { return this.#done }

  /** Keeps entries that just became durable for the next delivery (when someone listens and there is room). */
  hold (state: AuthorState, entries: readonly Deliverable[]): void {
    if (this.#host.listeners.size === 0 || this.#heldCount + entries.length > MAX_HELD) return
    let byAuthor = this.#held.get(state.authorHex)
    if (byAuthor === undefined) {
      byAuthor = new Map()
      this.#held.set(state.authorHex, byAuthor)
    }
    for (const e of entries) {
      if (e.seq <= state.delivered || byAuthor.has(e.seq)) continue
      byAuthor.set(e.seq, e)
      this.#heldCount++
    }
  }

  /** The packet of a durable entry; 'skip' when it is not for listeners (a record of the kind), 'wait' when its payload cannot be opened yet. */
  async toPacket (d: Deliverable): Promise<Packet | 'skip' | 'wait'> {
    const { ctx, codec, pipeline } = this.#host
    if (d.entry === undefined) return 'skip'
    const sender = d.sender ?? await ctx.identities.get(d.entry.author, d.entry.authorName, d.entry.nameSignature)
    if (sender === undefined) return 'skip'
    let data: Uint8Array | undefined
    try {
      data = await codec.decode(d.entry)
    } catch {
      return 'wait'
    }
    if (data === undefined) return 'skip'
    return { data, sender, timestamp: d.entry.time, id: d.idHex, pipeline: pipeline.name, seq: d.entry.seq }
  }

  /** Durable entries of an author from `from` to `to`, decoded: the held ones when all are held, else read from the store. */
  async read (state: AuthorState, from: number, to: number): Promise<Deliverable[]> {
    const last = Math.min(to, state.durableSeq)
    const byAuthor = this.#held.get(state.authorHex)
    if (byAuthor !== undefined && from <= last) {
      const out: Deliverable[] = []
      for (let seq = from; seq <= last; seq++) {
        const d = byAuthor.get(seq)
        if (d === undefined) break
        out.push(d)
      }
      if (out.length === last - from + 1) return out
    }
    return decodeStored(await this.#host.store.read(state, from, last))
  }

  /** Forgets held entries of an author up to `seq` (delivered). */
  #release (state: AuthorState, seq: number): void {
    const byAuthor = this.#held.get(state.authorHex)
    if (byAuthor === undefined) return
    for (const s of byAuthor.keys()) {
      if (s <= seq) { byAuthor.delete(s); this.#heldCount-- }
    }
    if (byAuthor.size === 0) this.#held.delete(state.authorHex)
  }

  /** Delivers durable, undelivered entries to the listeners, author by author in seq order. */
  pump (): void {
    if (!this.#host.running()) return
    if (this.#pumping) { this.#again = true; return }
    this.#pumping = true
    this.#done = this.lock.run(async () => {
      const { ctx, store, listeners, pipeline } = this.#host
      try {
        do {
          this.#again = false
          let progressed = true
          while (progressed && listeners.size > 0 && this.#host.running()) {
            progressed = false
            for (const state of store.undelivered()) {
              if (state.delivered >= state.durableSeq || listeners.size === 0) continue
              const to = Math.min(state.durableSeq, state.delivered + READ_CHUNK)
              const chunk = await this.read(state, state.delivered + 1, to)
              let upTo = state.delivered
              for (const d of chunk) {
                const packet = await this.toPacket(d)
                // an entry that cannot be opened yet holds back its author's later ones
                if (packet === 'wait') break
                if (packet !== 'skip') {
                  ctx.stats.delivered++
                  await listeners.deliver(packet, pipeline)
                }
                upTo = d.seq
              }
              if (upTo > state.delivered) {
                store.markDelivered(state, upTo).catch(() => {})
                this.#release(state, upTo)
                progressed = true
              }
            }
          }
        } while (this.#again && this.#host.running())
      } catch {
        // a store failure: stop delivering; puts and sync report the failure
      } finally {
        this.#pumping = false
      }
    })
  }

  /** Gives `fn` every already-delivered entry (under the delivery lock), then adds it to the live listeners. */
  replay (fn: PacketListener, ready: Promise<void>): void {
    const { ctx, store, listeners, pipeline } = this.#host
    void this.lock.run(async () => {
      try {
        await ready
        for (const state of store.sortedAuthors()) {
          for (let from = 1; from <= state.delivered; from += READ_CHUNK) {
            for (const d of decodeStored(await store.read(state, from, Math.min(state.delivered, from + READ_CHUNK - 1)))) {
              const packet = await this.toPacket(d)
              if (typeof packet !== 'string') await callListener(fn, packet, pipeline, () => { ctx.stats.listenerErrors++ })
            }
          }
        }
      } finally {
        listeners.add(fn)
      }
    }).then(() => { this.pump() }, () => {})
  }
}

/** Decodes stored entries (their ids are stored: nothing is hashed again). */
export function decodeStored (entries: readonly StoredEntry[]): Deliverable[] {
  return entries.map(e => {
    const w = decodeWire(e.wire, e.id)
    return { seq: e.seq, entry: w?.entry, idHex: w?.idHex ?? '' }
  })
}
