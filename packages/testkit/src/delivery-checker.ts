/**
 * Records what a test's nodes acknowledged and delivered, and tells what
 * went wrong: lost, duplicated and out-of-order deliveries. Generic: it
 * knows authors, ids and sequence numbers, not any Pipes type.
 */

/** An acknowledged put: `author` put `id` (its `seq`-th) and expects every node in `expectedAt` to deliver it. */
export interface AckRecord {
  author: string
  id: string
  seq: number
  expectedAt: readonly string[]
}

/** A delivery of `id` (by `author`, its `seq`-th) to a listener on `node`. */
export interface DeliveryRecord {
  node: string
  author: string
  id: string
  seq: number
}

/** What the checker found. */
export interface DeliveryReport {
  /** Acknowledged puts recorded. */
  acknowledged: number
  /** Deliveries recorded. */
  deliveries: number
  /** (node, id) pairs expected and never delivered. */
  lost: number
  /** Deliveries beyond the first of the same id on the same node. */
  duplicated: number
  /** Deliveries whose seq is below an earlier delivery's seq of the same author on the same node. */
  outOfOrder: number
  /** Deliveries of ids nobody acknowledged (allowed: an ack may still be on its way; listed for diagnosis). */
  unacknowledged: number
  /** Up to 10 lost (node, id) pairs, for the failure message. */
  lostSamples: Array<{ node: string, author: string, id: string, seq: number }>
}

/** Options of {@link DeliveryChecker.waitForComplete}. */
export interface WaitCompleteOptions {
  /** Give up after this many ms (the error carries the report). Default 20_000. */
  timeout?: number
}

/**
 * The delivery checker. Every multi-node test records each acknowledged
 * put with {@link DeliveryChecker.acknowledged} and each listener call with
 * {@link DeliveryChecker.delivered}, then asserts on {@link DeliveryChecker.report}.
 */
export class DeliveryChecker {
  readonly #acks = new Map<string, AckRecord>()
  /** node -> id -> times delivered */
  readonly #seen = new Map<string, Map<string, number>>()
  /** node -> author -> highest seq delivered so far */
  readonly #lastSeq = new Map<string, Map<string, number>>()
  #deliveries = 0
  #duplicated = 0
  #outOfOrder = 0
  #waiters: Array<() => void> = []

  /** Records an acknowledged put. */
  acknowledged (ack: AckRecord): void {
    this.#acks.set(ack.id, { ...ack, expectedAt: [...ack.expectedAt] })
    this.#notify()
  }

  /** Records one delivery to one listener. */
  delivered (d: DeliveryRecord): void {
    this.#deliveries++
    let ids = this.#seen.get(d.node)
    if (ids === undefined) { ids = new Map(); this.#seen.set(d.node, ids) }
    const times = (ids.get(d.id) ?? 0) + 1
    ids.set(d.id, times)
    if (times > 1) this.#duplicated++
    let seqs = this.#lastSeq.get(d.node)
    if (seqs === undefined) { seqs = new Map(); this.#lastSeq.set(d.node, seqs) }
    const last = seqs.get(d.author)
    if (times === 1) {
      if (last !== undefined && d.seq < last) this.#outOfOrder++
      else seqs.set(d.author, d.seq)
    }
    this.#notify()
  }

  /** How many deliveries `node` has had of distinct ids. */
  deliveredCount (node: string): number {
    return this.#seen.get(node)?.size ?? 0
  }

  /** The ids `node` received, in no particular order. */
  deliveredIds (node: string): string[] {
    return [...(this.#seen.get(node)?.keys() ?? [])]
  }

  /** The current findings. */
  report (): DeliveryReport {
    let lost = 0
    let unacknowledged = 0
    const lostSamples: DeliveryReport['lostSamples'] = []
    for (const ack of this.#acks.values()) {
      for (const node of ack.expectedAt) {
        if (this.#seen.get(node)?.has(ack.id) !== true) {
          lost++
          if (lostSamples.length < 10) lostSamples.push({ node, author: ack.author, id: ack.id, seq: ack.seq })
        }
      }
    }
    for (const ids of this.#seen.values()) {
      for (const id of ids.keys()) if (!this.#acks.has(id)) unacknowledged++
    }
    return {
      acknowledged: this.#acks.size,
      deliveries: this.#deliveries,
      lost,
      duplicated: this.#duplicated,
      outOfOrder: this.#outOfOrder,
      unacknowledged,
      lostSamples
    }
  }

  /** True when nothing acknowledged is missing anywhere it was expected. */
  complete (): boolean {
    return this.report().lost === 0
  }

  /**
   * Resolves once every acknowledged put reached every node that expects it;
   * rejects after the timeout with the report in the message.
   */
  async waitForComplete (options: WaitCompleteOptions = {}): Promise<DeliveryReport> {
    const timeout = options.timeout ?? 20_000
    const deadline = Date.now() + timeout
    while (true) {
      const report = this.report()
      if (report.lost === 0) return report
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`deliveries incomplete after ${timeout} ms: ${JSON.stringify(report)}`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(done, Math.min(left, 1000))
        function done (): void { clearTimeout(timer); resolve() }
        this.#waiters.push(done)
      })
    }
  }

  #notify (): void {
    const waiters = this.#waiters
    if (waiters.length === 0) return
    this.#waiters = []
    for (const w of waiters) w()
  }
}
