import type { StatsBook } from './stats.js'
import type { Transport } from '@pipes/transport'

/**
 * Bounds what a node has in flight on gossipsub, whose `publish` has no
 * backpressure: at most `maxInFlight` publishes at once; `publish` waits for
 * a slot, `offer` drops (and counts) when `maxQueued` are already waiting.
 */
export class Publisher {
  readonly #transport: Transport
  readonly #stats: StatsBook
  readonly #maxInFlight: number
  readonly #maxQueued: number
  #inFlight = 0
  readonly #waiting: Array<() => void> = []
  #idle: Array<() => void> = []

  constructor (transport: Transport, stats: StatsBook, maxInFlight = 64, maxQueued = 4096) {
    this.#transport = transport
    this.#stats = stats
    this.#maxInFlight = maxInFlight
    this.#maxQueued = maxQueued
  }

  /**
   * Publishes, waiting for a slot. Resolves to the number of peers it was
   * sent to directly, or false when nothing was sent (transport not started,
   * gossipsub refused). A duplicate of what was already published counts as
   * sent to no one new.
   */
  async publish (topic: string, data: Uint8Array): Promise<number | false> {
    if (!this.#transport.started) {
      this.#stats.publishSkipped++
      return false
    }
    if (this.#inFlight >= this.#maxInFlight) await new Promise<void>(resolve => { this.#waiting.push(resolve) })
    this.#inFlight++
    try {
      if (!this.#transport.started) {
        this.#stats.publishSkipped++
        return false
      }
      const result = await this.#transport.publish(topic, data)
      this.#stats.published++
      return result.recipients
    } catch {
      // gossipsub refused or the transport stopped meanwhile: sync delivers persistent entries
      this.#stats.publishSkipped++
      return false
    } finally {
      this.#inFlight--
      this.#waiting.shift()?.()
      if (this.#inFlight === 0 && this.#waiting.length === 0) {
        const idle = this.#idle
        this.#idle = []
        for (const fn of idle) fn()
      }
    }
  }

  /**
   * Publishes in the background; drops when too many are waiting already.
   * `reached` learns how many peers it was sent to (0 when dropped or not sent).
   */
  offer (topic: string, data: Uint8Array, reached?: (recipients: number) => void): void {
    if (!this.#transport.started || this.#waiting.length >= this.#maxQueued) {
      this.#stats.publishSkipped++
      reached?.(0)
      return
    }
    void this.publish(topic, data).then(n => { reached?.(n === false ? 0 : n) })
  }

  /** Resolves when nothing is in flight. */
  async idle (): Promise<void> {
    if (this.#inFlight === 0 && this.#waiting.length === 0) return
    await new Promise<void>(resolve => { this.#idle.push(resolve) })
  }
}
