import { decodeWire } from './entry-codec.js'
import { callListener } from './listener-set.js'
import { Mutex } from '@pipes/interface'
import { unref } from './timers.js'
import type { NodeContext } from './context.js'
import type { UnsignedEntry } from './entry-codec.js'
import { READ_CHUNK } from './log/entry-reader.js'
import type { AuthorState, EntryStore, StoredEntry } from './entry-store.js'
import type { ListenerSet } from './listener-set.js'
import type { PayloadCodec } from './payload-codec.js'
import type { Identity } from '@pipes/identity'
import type { Packet, PacketListener, Pipeline } from './types.js'

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
 * Why an author could not progress on its last delivery pass: its entry at
 * `waitAt` waits for a key, or the store gave fewer entries than it holds
 * (a bad record, quarantined until it is repaired).
 */
interface Stuck {
  readonly waitAt: number | undefined
  readonly durableSeq: number
  readonly keys: number
}

/** A held entry: what it pins, and since when. */
interface Held {
  readonly d: Deliverable
  readonly bytes: number
  readonly at: number
}

/**
 * Delivery of one persistent pipeline: durable, undelivered entries go to
 * the listeners author by author in seq order, each once; the delivered
 * watermark is stored with the next group commit. Entries that just became
 * durable are held so they are delivered without reading and decoding them
 * back from the store: bounded in entries, in bytes (in total and per
 * author) and in time (`ctx.buffers`). Past a bound an entry is simply not
 * held, or let go of: it is in the store, and read back from there when it
 * can be delivered.
 */
export class Delivery {
  readonly #host: DeliveryHost
  readonly lock = new Mutex()
  /** Just-stored entries by author, by seq (in the order they were held). */
  readonly #held = new Map<string, Map<number, Held>>()
  readonly #authorBytes = new Map<string, number>()
  #heldCount = 0
  #heldBytes = 0
  #sweep: ReturnType<typeof setTimeout> | undefined
  /** Authors that could not progress: skipped by the pump until something changes for them. */
  readonly #stuck = new Map<string, Stuck>()
  /** Bumped whenever the codec may open more entries (keys arrived). */
  #keys = 0
  #pumping = false
  #again = false
  #done: Promise<void> = Promise.resolve()

  constructor (host: DeliveryHost) {
    this.#host = host
  }

  /** Resolves once the delivery running now (if any) is over. */
  get done (): Promise<void> { return this.#done }

  /**
   * Keeps entries that just became durable for the next delivery, when
   * someone listens and they fit the budgets. The first entry of an author
   * that does not fit ends the run (later ones are no use before it: they
   * are read back from the store together).
   */
  hold (state: AuthorState, entries: readonly Deliverable[]): void {
    const { ctx, listeners } = this.#host
    if (listeners.size === 0 || entries.length === 0) return
    const limits = ctx.buffers
    const now = Date.now()
    let byAuthor = this.#held.get(state.authorHex)
    let authorBytes = this.#authorBytes.get(state.authorHex) ?? 0
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as Deliverable
      if (e.seq <= state.delivered || byAuthor?.has(e.seq) === true) continue
      const bytes = heldSize(e)
      if (this.#heldCount >= limits.heldEntries || this.#heldBytes + bytes > limits.heldBytes || authorBytes + bytes > limits.heldAuthorBytes) {
        ctx.stats.heldSkipped += entries.length - i
        break
      }
      if (byAuthor === undefined) {
        byAuthor = new Map()
        this.#held.set(state.authorHex, byAuthor)
      }
      byAuthor.set(e.seq, { d: e, bytes, at: now })
      authorBytes += bytes
      this.#heldCount++
      this.#addBytes(bytes)
    }
    if (byAuthor !== undefined) this.#authorBytes.set(state.authorHex, authorBytes)
    this.#armSweep()
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
        const h = byAuthor.get(seq)
        if (h === undefined) break
        out.push(h.d)
      }
      if (out.length === last - from + 1) return out
    }
    return decodeStored(await this.#host.store.read(state, from, last))
  }

  /** Forgets held entries of an author up to `seq` (delivered). */
  #release (state: AuthorState, seq: number): void {
    const byAuthor = this.#held.get(state.authorHex)
    if (byAuthor === undefined) return
    for (const [s, h] of byAuthor) {
      if (s <= seq) this.#forget(state.authorHex, byAuthor, s, h)
    }
  }

  #forget (authorHex: string, byAuthor: Map<number, Held>, seq: number, h: Held): void {
    byAuthor.delete(seq)
    this.#heldCount--
    this.#addBytes(-h.bytes)
    if (byAuthor.size === 0) {
      this.#held.delete(authorHex)
      this.#authorBytes.delete(authorHex)
    } else {
      this.#authorBytes.set(authorHex, (this.#authorBytes.get(authorHex) ?? 0) - h.bytes)
    }
  }

  #addBytes (n: number): void {
    this.#heldBytes += n
    this.#host.ctx.stats.heldBytes += n
  }

  /**
   * While entries are held, looks at them every half TTL and lets go of
   * those held longer than the TTL (counted as expired), or of all of them
   * once the pipeline stopped running. The timer is unref'd and stops when
   * nothing is held.
   */
  #armSweep (): void {
    if (this.#sweep !== undefined || this.#heldCount === 0) return
    const ttl = this.#host.ctx.buffers.heldTtlMs
    this.#sweep = setTimeout(() => {
      this.#sweep = undefined
      this.#expire(Date.now() - ttl, this.#host.running())
      this.#armSweep()
    }, Math.max(10, Math.ceil(ttl / 2)))
    unref(this.#sweep)
  }

  /** Lets go of entries held since before `before` (all of them when `running` is false). */
  #expire (before: number, running: boolean): void {
    let expired = 0
    for (const [authorHex, byAuthor] of this.#held) {
      for (const [seq, h] of byAuthor) {
        if (running && h.at >= before) continue
        this.#forget(authorHex, byAuthor, seq, h)
        expired++
      }
    }
    if (running) this.#host.ctx.stats.heldExpired += expired
  }

  /** The codec can open more entries now (keys arrived): authors waiting for a key are tried again. */
  keysChanged (): void {
    this.#keys++
    this.pump()
  }

  /** Whether an author that could not progress may now: keys arrived, or its log changed under the stuck point. */
  #mayProgress (state: AuthorState, stuck: Stuck): boolean {
    if (stuck.keys !== this.#keys) return true
    // waiting for a key: later entries do not help, a log cut back (repair) under the entry does
    if (stuck.waitAt !== undefined) return state.durableSeq < stuck.waitAt
    // a short read: the log was repaired or grew
    return state.durableSeq !== stuck.durableSeq
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
              const stuck = this.#stuck.get(state.authorHex)
              if (stuck !== undefined && !this.#mayProgress(state, stuck)) continue
              const keys = this.#keys
              const to = Math.min(state.durableSeq, state.delivered + READ_CHUNK)
              const chunk = await this.read(state, state.delivered + 1, to)
              let upTo = state.delivered
              let waitAt: number | undefined
              for (const d of chunk) {
                const packet = await this.toPacket(d)
                // an entry that cannot be opened yet holds back its author's later ones
                if (packet === 'wait') { waitAt = d.seq; break }
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
              // stopped short of what was asked: not read again until something changes for this author
              if (waitAt !== undefined || upTo < to) this.#stuck.set(state.authorHex, { waitAt, durableSeq: state.durableSeq, keys })
              else this.#stuck.delete(state.authorHex)
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
  replay (fn: PacketListener, ready: Promise<void>): Promise<void> {
    const { ctx, store, listeners, pipeline } = this.#host
    return this.lock.run(async () => {
      try {
        await ready
        for (const state of store.sortedAuthors()) {
          for await (const chunk of store.scan(state, 1, () => state.delivered)) {
            for (const d of decodeStored(chunk)) {
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

/** Fixed cost of holding one entry (objects, map slot), beside its bytes. */
const HELD_ENTRY_OVERHEAD = 256

/** Memory an entry pins while held: the whole buffer behind its payload (its wire), and the objects around it. */
export function heldSize (d: Deliverable): number {
  return HELD_ENTRY_OVERHEAD + (d.entry?.payload.buffer.byteLength ?? 0)
}

/** Decodes stored entries (their ids are stored: nothing is hashed again). */
export function decodeStored (entries: readonly StoredEntry[]): Deliverable[] {
  return entries.map(e => {
    const w = decodeWire(e.wire, e.id)
    return { seq: e.seq, entry: w?.entry, idHex: w?.idHex ?? '' }
  })
}
