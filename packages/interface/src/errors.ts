/**
 * The base of every public error in Pipes. Each subclass has a stable `code`
 * that callers and tests match on; the message says what to do about it.
 * One code has one meaning and belongs to one subclass (a test checks this
 * across every package).
 */
export class PipesError extends Error {
  static override name = 'PipesError'
  /** A stable, machine-readable code such as `ERR_INVALID_KEY`. */
  readonly code: string

  constructor (code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}
