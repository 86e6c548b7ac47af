import { PipesError } from '@pipes/interface'

/** A wait of the test kit ran out of time. */
export class WaitTimeoutError extends PipesError {
  static override name = 'WaitTimeoutError'
  /** The timeout that elapsed, in ms. */
  readonly timeout: number

  constructor (message: string, timeout: number) {
    super('ERR_WAIT_TIMEOUT', `Timed out after ${timeout} ms: ${message}. Check that the nodes can reach each other, or raise the timeout.`)
    this.timeout = timeout
  }
}
