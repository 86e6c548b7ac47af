/**
 * Drives a LiveSwarm: a windowed burst for throughput, a paced stream for
 * latency. Each call uses its own range of sequence numbers so the same swarm
 * can be measured again without gossipsub dropping repeats as duplicates.
 */
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LiveSwarm } from './live-swarm.js'
import { MEASURED, makePayload, readPayload } from './payload.js'
import { Pulse, waitForProgress } from './wait.js'

/** What one burst or stream measured. */
export interface LiveRun {
  /** Packets the author handed to the system. */
  sent: number
  /** Distinct measured packets each receiver got. */
  received: number[]
  /** Receiver-packets that never arrived (sent × receivers − received). */
  lost: number
  /** Publish calls that threw. */
  publishErrors: number
  firstError?: unknown
  /** Whether the run ended because deliveries stopped coming. */
  stalled: boolean
}

/** Throughput figures of one burst. */
export interface ThroughputRun extends LiveRun {
  /** Packets per second at the slowest receiver, from the first publish to its last delivery. */
  slowestRate: number
}

/** Latency samples of one paced stream (ms, one per receiver-packet delivered). */
export interface LatencyRun extends LiveRun {
  latenciesMs: number[]
}

class Tracker {
  readonly received: number[]
  readonly lastAt: number[]
  private readonly seen: Uint8Array[]
  onDelivery?: (receiver: number, index: number, at: number) => void

  constructor (receivers: number, readonly base: number, readonly count: number, readonly pulse: Pulse) {
    this.received = new Array<number>(receivers).fill(0)
    this.lastAt = new Array<number>(receivers).fill(0)
    this.seen = Array.from({ length: receivers }, () => new Uint8Array(count))
  }

  deliver (receiver: number, data: Uint8Array): void {
    const { kind, seq } = readPayload(data)
    const index = seq - this.base
    if (kind !== MEASURED || index < 0 || index >= this.count) return
    const seen = this.seen[receiver]
    if (seen == null || seen[index] === 1) return
    seen[index] = 1
    const now = performance.now()
    this.received[receiver] = (this.received[receiver] ?? 0) + 1
    this.lastAt[receiver] = now
    this.onDelivery?.(receiver, index, now)
    this.pulse.notify()
  }

  total (): number { return this.received.reduce((a, b) => a + b, 0) }
  min (): number { return Math.min(...this.received) }
}

/**
 * Routes a swarm's deliveries to whichever run is current, so one swarm can
 * serve several repetitions.
 */
export class LiveHarness {
  private current: Tracker | undefined
  private nextSeq = 0

  constructor (readonly swarm: LiveSwarm) {
    swarm.onReceive((receiver, data) => { this.current?.deliver(receiver, data) })
  }

  /**
   * Publishes `count` packets of `size` bytes as fast as the window allows:
   * never more than `window` packets sent but not yet at the slowest receiver,
   * nor more than `window` publish calls pending.
   */
  async burst (count: number, size: number, window: number, { idleMs = 3_000, totalMs = 60_000 } = {}): Promise<ThroughputRun> {
    const pulse = new Pulse()
    const tracker = this.begin(count, pulse)
    const payloads = Array.from({ length: count }, (_v, i) => makePayload(MEASURED, tracker.base + i, size))
    let sent = 0
    let pending = 0
    let publishErrors = 0
    let firstError: unknown
    let stalled = false
    const start = performance.now()
    const deadline = start + totalMs
    while (sent < count) {
      if (sent - tracker.min() >= window || pending >= window) {
        if (!(await pulse.wait(idleMs)) || performance.now() > deadline) { stalled = true; break }
        continue
      }
      pending++
      this.swarm.publish(payloads[sent] as Uint8Array).then(
        () => { pending--; pulse.notify() },
        (err: unknown) => { pending--; publishErrors++; firstError ??= err; pulse.notify() }
      )
      sent++
    }
    const outcome = await waitForProgress(() => tracker.min() >= sent && pending === 0, () => tracker.total() + publishErrors,
      { idleMs, totalMs: Math.max(1_000, deadline - performance.now()) })
    this.current = undefined
    const rates = tracker.received.map((n, r) => {
      const elapsed = ((tracker.lastAt[r] ?? start) - start) / 1000
      return n > 0 && elapsed > 0 ? n / elapsed : 0
    })
    return {
      sent,
      received: [...tracker.received],
      lost: count * tracker.received.length - tracker.total(),
      publishErrors,
      firstError,
      stalled: stalled || outcome !== 'done',
      slowestRate: Math.min(...rates)
    }
  }

  /**
   * Publishes `count` packets of `size` bytes at `rate` per second, on a
   * fixed schedule (no catching up in bursts after a late tick), and records
   * publish-to-listener latency for every delivery.
   */
  async paced (count: number, size: number, rate: number, { idleMs = 3_000 } = {}): Promise<LatencyRun> {
    const pulse = new Pulse()
    const tracker = this.begin(count, pulse)
    const payloads = Array.from({ length: count }, (_v, i) => makePayload(MEASURED, tracker.base + i, size))
    const sentAt = new Float64Array(count)
    const latenciesMs: number[] = []
    tracker.onDelivery = (_receiver, index, at) => { latenciesMs.push(at - (sentAt[index] as number)) }
    let publishErrors = 0
    let firstError: unknown
    const interval = 1000 / rate
    const start = performance.now()
    for (let i = 0; i < count; i++) {
      const due = start + i * interval
      const wait = due - performance.now()
      if (wait > 1) await sleep(wait)
      sentAt[i] = performance.now()
      this.swarm.publish(payloads[i] as Uint8Array).catch((err: unknown) => { publishErrors++; firstError ??= err })
    }
    const outcome = await waitForProgress(() => tracker.min() >= count, () => tracker.total(), { idleMs, totalMs: 30_000 })
    this.current = undefined
    return {
      sent: count,
      received: [...tracker.received],
      lost: count * tracker.received.length - tracker.total(),
      publishErrors,
      firstError,
      stalled: outcome !== 'done',
      latenciesMs
    }
  }

  private begin (count: number, pulse: Pulse): Tracker {
    const tracker = new Tracker(this.swarm.receivers, this.nextSeq, count, pulse)
    this.nextSeq += count
    this.current = tracker
    return tracker
  }
}
