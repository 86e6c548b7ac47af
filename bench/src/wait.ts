/**
 * Bounded waits. Nothing in the benchmark waits without a limit: a wait either
 * sees its condition, or gives up after a total deadline or after a stretch
 * with no progress, and says which. Plain deadlines (`waitFor`, `withTimeout`)
 * are `@pipes/test-support`'s; here are the progress wait and the counters.
 */
import { setTimeout as sleep } from 'node:timers/promises'

/** How a progress wait ended. */
export type ProgressOutcome = 'done' | 'stalled' | 'deadline'

/**
 * Waits until `done()` holds, as long as `progress()` keeps changing: gives
 * up after `idleMs` without any change, or after `totalMs` in all. Used where
 * loss is a result to report rather than an error.
 */
export async function waitForProgress (
  done: () => boolean,
  progress: () => number,
  { idleMs, totalMs, intervalMs = 5 }: { idleMs: number, totalMs: number, intervalMs?: number }
): Promise<ProgressOutcome> {
  const start = Date.now()
  let last = progress()
  let lastChange = start
  while (!done()) {
    const now = Date.now()
    const p = progress()
    if (p !== last) { last = p; lastChange = now }
    if (now - lastChange > idleMs) return 'stalled'
    if (now - start > totalMs) return 'deadline'
    await sleep(intervalMs)
  }
  return 'done'
}

/**
 * An event-driven counter: `wait(n)` resolves as soon as the count reaches n.
 * Waiters are plain promises, so callers bound them with `withTimeout`.
 */
export class Counter {
  value = 0
  private waiters: Array<{ target: number, resolve: () => void }> = []

  add (n = 1): void {
    this.value += n
    if (this.waiters.length === 0) return
    const still: typeof this.waiters = []
    for (const w of this.waiters) {
      if (this.value >= w.target) w.resolve()
      else still.push(w)
    }
    this.waiters = still
  }

  wait (target: number): Promise<void> {
    if (this.value >= target) return Promise.resolve()
    return new Promise((resolve) => { this.waiters.push({ target, resolve }) })
  }
}

/**
 * A wake-up signal: `wait(ms)` resolves true at the next `notify()`, or false
 * if none comes within `ms`.
 */
export class Pulse {
  private waiters: Array<(woke: boolean) => void> = []

  notify (): void {
    const waiters = this.waiters
    if (waiters.length === 0) return
    this.waiters = []
    for (const w of waiters) w(true)
  }

  wait (ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake)
        resolve(false)
      }, ms)
      timer.unref()
      const wake = (woke: boolean): void => { clearTimeout(timer); resolve(woke) }
      this.waiters.push(wake)
    })
  }
}
