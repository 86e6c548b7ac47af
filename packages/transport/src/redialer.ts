import { backoffDelay } from '@pipes/interface'
/** How a transport redials peers it lost. */
export interface RedialOptions {
  /** Delay before the first attempt of a round, in ms. Default 500. */
  baseDelayMs?: number
  /** Cap on the delay between attempts, in ms. Default 30_000. */
  maxDelayMs?: number
  /** Attempts per round; a bootstrap peer starts a new round after `maxDelayMs`, another peer is forgotten. Default 6. */
  maxAttempts?: number
  /** How many recently seen (non-bootstrap) peers are remembered for redialing. Default 32. */
  recentPeers?: number
}

/** What the redialer needs from its transport. */
export interface RedialTarget {
  /** Dials one peer (by its bootstrap address when it has one); rejects on failure. */
  dial: (peerId: string, signal: AbortSignal) => Promise<void>
  isConnected: (peerId: string) => boolean
  /** Peers that must not be redialed now (blocked, foreign network). */
  isExcluded: (peerId: string) => boolean
  onAttempt: (peerId: string, ok: boolean) => void
}

interface Pending { timer: ReturnType<typeof setTimeout>, attempt: number }

/**
 * Redials bootstrap peers and recently seen peers after they drop, with
 * capped exponential backoff and jitter, and a bounded number of attempts per
 * round. Holds no timer once stopped.
 */
export class Redialer {
  readonly #target: RedialTarget
  readonly #base: number
  readonly #max: number
  readonly #attempts: number
  readonly #recentLimit: number
  readonly #bootstrap: Set<string>
  readonly #recent = new Map<string, number>()
  readonly #pending = new Map<string, Pending>()
  #controller: AbortController | undefined

  constructor (target: RedialTarget, bootstrapPeers: Iterable<string>, options: RedialOptions = {}) {
    this.#target = target
    this.#bootstrap = new Set(bootstrapPeers)
    this.#base = options.baseDelayMs ?? 500
    this.#max = options.maxDelayMs ?? 30_000
    this.#attempts = options.maxAttempts ?? 6
    this.#recentLimit = options.recentPeers ?? 32
  }

  /** Starts watching; bootstrap peers not connected after the first delay are dialed. */
  start (): void {
    if (this.#controller !== undefined) return
    this.#controller = new AbortController()
    for (const peer of this.#bootstrap) this.#schedule(peer, 0)
  }

  /** Cancels every pending redial and in-flight dial. */
  stop (): void {
    this.#controller?.abort()
    this.#controller = undefined
    for (const pending of this.#pending.values()) clearTimeout(pending.timer)
    this.#pending.clear()
  }

  /** Peers with a redial scheduled. */
  pending (): string[] {
    return [...this.#pending.keys()]
  }

  /** A peer connected: remember it and cancel its redial. */
  connected (peerId: string): void {
    this.#cancel(peerId)
    if (this.#bootstrap.has(peerId)) return
    this.#recent.delete(peerId)
    this.#recent.set(peerId, Date.now())
    while (this.#recent.size > this.#recentLimit) {
      const oldest = this.#recent.keys().next().value
      if (oldest === undefined) break
      this.#recent.delete(oldest)
    }
  }

  /** A peer dropped: start a round of redials if we know it. */
  disconnected (peerId: string): void {
    if (this.#controller === undefined) return
    if (!this.#bootstrap.has(peerId) && !this.#recent.has(peerId)) return
    if (this.#pending.has(peerId)) return
    this.#schedule(peerId, 0)
  }

  /** Stop redialing a peer (the app hung up on it or blocked it). */
  forget (peerId: string): void {
    this.#cancel(peerId)
    this.#recent.delete(peerId)
  }

  #cancel (peerId: string): void {
    const pending = this.#pending.get(peerId)
    if (pending === undefined) return
    clearTimeout(pending.timer)
    this.#pending.delete(peerId)
  }

  #schedule (peerId: string, attempt: number, delay = backoffDelay(attempt, this.#base, this.#max)): void {
    const controller = this.#controller
    if (controller === undefined) return
    const timer = setTimeout(() => {
      void this.#attempt(peerId, attempt, controller.signal)
    }, delay)
    this.#pending.set(peerId, { timer, attempt })
  }

  async #attempt (peerId: string, attempt: number, signal: AbortSignal): Promise<void> {
    this.#pending.delete(peerId)
    if (signal.aborted || this.#target.isConnected(peerId) || this.#target.isExcluded(peerId)) return
    const ok = await this.#target.dial(peerId, signal).then(() => true, () => false)
    if (signal.aborted) return
    this.#target.onAttempt(peerId, ok)
    if (ok || this.#pending.has(peerId)) return
    if (attempt + 1 < this.#attempts) {
      this.#schedule(peerId, attempt + 1)
    } else if (this.#bootstrap.has(peerId)) {
      // a new round for a bootstrap peer, after the longest delay
      this.#schedule(peerId, 0, this.#max)
    } else {
      this.#recent.delete(peerId)
    }
  }
}
