import { WaitTimeoutError } from './wait-timeout-error.js'

/**
 * Collects what a listener receives and lets a test (or a scripted demo)
 * wait, event-driven, until what arrived passes a check: each `push` wakes
 * the waiters, none of them polls.
 */
export class Collector<T> {
  readonly items: T[] = []
  readonly #wakers = new Set<() => void>()

  /** Records an item (an arrow function: pass it as the listener). */
  push = (item: T): void => {
    this.items.push(item)
    for (const wake of [...this.#wakers]) wake()
  }

  /** Resolves once `check(items)` holds; rejects with {@link WaitTimeoutError} after `timeoutMs`. */
  async waitFor (check: (items: readonly T[]) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (check(this.items)) return
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        if (!check(this.items)) return
        clearTimeout(timer)
        this.#wakers.delete(wake)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#wakers.delete(wake)
        reject(new WaitTimeoutError(`${what} (have ${this.items.length} items)`, timeoutMs))
      }, timeoutMs)
      this.#wakers.add(wake)
    })
  }
}
