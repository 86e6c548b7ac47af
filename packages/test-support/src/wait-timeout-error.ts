/**
 * A bounded wait ran out of time. (A plain `Error` with a stable `code`, not
 * a `PipesError`: this package sits below `@pipes/interface` so that every
 * package's tests, the interface's included, can use it.)
 */
export class WaitTimeoutError extends Error {
  static override name = 'WaitTimeoutError'
  /** Always `'ERR_WAIT_TIMEOUT'`. */
  readonly code = 'ERR_WAIT_TIMEOUT'
  /** The timeout that elapsed, in ms. */
  readonly timeout: number

  constructor (message: string, timeout: number) {
    super(`Timed out after ${timeout} ms: ${message}. Check that the nodes can reach each other, or raise the timeout.`)
    this.name = 'WaitTimeoutError'
    this.timeout = timeout
  }
}
