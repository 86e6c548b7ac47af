/** How many invalid messages a peer may forward before it is cut off. */
export interface FloodBudgetOptions {
  /** Rejected messages a peer may forward within `windowMs`; one more cuts it off. Default 32. `Infinity` turns the budget off. */
  maxRejects?: number
  /** Length of the window the rejects are counted in, in ms. Default 10_000. */
  windowMs?: number
  /** How long a cut-off peer stays refused (hung up on, not dialed, inbound connections denied), in ms. Default 300_000 (5 minutes). */
  banMs?: number
}

interface Tally { count: number, since: number }

/** Peers tracked at most; past it, the oldest tally is dropped (a peer must reach the budget within a window anyway). */
const MAX_TRACKED = 4096

/**
 * Counts, per forwarding peer, the messages validators rejected, and bans a
 * peer that goes over its budget within a window. Gossipsub's own score
 * reacts too late against a flood (scores are cached for a heartbeat and
 * checked once per RPC frame, which can carry many messages); this cuts the
 * peer off at the reject that exceeds the budget, and keeps it refused
 * across reconnects (gossipsub would start it with a fresh score).
 */
export class FloodGuard {
  readonly #max: number
  readonly #window: number
  readonly #ban: number
  readonly #tallies = new Map<string, Tally>()
  readonly #banned = new Map<string, number>()

  constructor (options: FloodBudgetOptions = {}) {
    this.#max = options.maxRejects ?? 32
    this.#window = options.windowMs ?? 10_000
    this.#ban = options.banMs ?? 300_000
  }

  /** Charges one rejected message to `peerId`; true when that put it over its budget (it is banned now). */
  reject (peerId: string, now = Date.now()): boolean {
    if (this.isBanned(peerId, now)) return false
    let tally = this.#tallies.get(peerId)
    if (tally === undefined || now - tally.since > this.#window) {
      this.#tallies.delete(peerId)
      tally = { count: 0, since: now }
      this.#tallies.set(peerId, tally)
      if (this.#tallies.size > MAX_TRACKED) {
        const oldest = this.#tallies.keys().next().value
        if (oldest !== undefined) this.#tallies.delete(oldest)
      }
    }
    tally.count++
    if (tally.count <= this.#max) return false
    this.#tallies.delete(peerId)
    this.#banned.set(peerId, now + this.#ban)
    if (this.#banned.size > MAX_TRACKED) {
      const oldest = this.#banned.keys().next().value
      if (oldest !== undefined) this.#banned.delete(oldest)
    }
    return true
  }

  /** True while `peerId` is cut off. */
  isBanned (peerId: string, now = Date.now()): boolean {
    const until = this.#banned.get(peerId)
    if (until === undefined) return false
    if (until > now) return true
    this.#banned.delete(peerId)
    return false
  }

  /** Peers cut off now. */
  banned (now = Date.now()): string[] {
    return [...this.#banned.keys()].filter(peer => this.isBanned(peer, now))
  }
}
