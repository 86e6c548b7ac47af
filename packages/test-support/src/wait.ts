import { WaitTimeoutError } from './wait-timeout-error.js'

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many ms. Default 10_000. */
  timeout?: number
  /** Check the predicate every this many ms. Default 50. */
  interval?: number
  /** What was awaited, for the error message. */
  message?: string
}

/**
 * Resolves once `predicate` returns true (it is checked at once, then every
 * `interval` ms); rejects with {@link WaitTimeoutError} after `timeout` ms.
 * A predicate that throws rejects the wait.
 */
export async function waitFor (predicate: () => boolean | Promise<boolean>, options: WaitForOptions = {}): Promise<void> {
  const timeout = options.timeout ?? 10_000
  const interval = options.interval ?? 50
  const deadline = Date.now() + timeout
  while (true) {
    if (await predicate()) return
    const left = deadline - Date.now()
    if (left <= 0) throw new WaitTimeoutError(options.message ?? 'condition never became true', timeout)
    await new Promise(resolve => setTimeout(resolve, Math.min(interval, left)))
  }
}

/** Options of {@link waitForEvent}. */
export interface WaitForEventOptions<E extends Event> {
  /** Give up after this many ms. Default 10_000. */
  timeout?: number
  /** Only an event for which this returns true resolves the wait. */
  filter?: (event: E) => boolean
  /** What was awaited, for the error message. */
  message?: string
}

/** Resolves with the next `type` event of `target` (that passes `filter`); rejects after `timeout` ms. */
export async function waitForEvent<E extends Event = Event> (target: EventTarget, type: string, options: WaitForEventOptions<E> = {}): Promise<E> {
  const timeout = options.timeout ?? 10_000
  return await new Promise<E>((resolve, reject) => {
    const listener = (event: Event): void => {
      try {
        if (options.filter !== undefined && !options.filter(event as E)) return
      } catch (err) {
        done()
        reject(err)
        return
      }
      done()
      resolve(event as E)
    }
    const timer = setTimeout(() => {
      done()
      reject(new WaitTimeoutError(options.message ?? `no "${type}" event`, timeout))
    }, timeout)
    const done = (): void => {
      clearTimeout(timer)
      target.removeEventListener(type, listener)
    }
    target.addEventListener(type, listener)
  })
}

/** Resolves or rejects like `promise`, or rejects with {@link WaitTimeoutError} after `timeout` ms. */
export async function withTimeout<T> (promise: Promise<T>, timeout: number, message = 'operation did not finish'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new WaitTimeoutError(message, timeout)) }, timeout)
  })
  try {
    return await Promise.race([promise, expired])
  } finally {
    clearTimeout(timer)
  }
}
