import { PipesError } from '@pipes/identity'

/**
 * An encrypted entry names a key epoch this node holds no key for (yet).
 * Not an attack by itself: the key-grant may still be on its way. The
 * pipeline keeps the entry and delivers it once the key arrives.
 */
export class KeyUnavailableError extends PipesError {
  static override name = 'KeyUnavailableError'
  readonly epoch: number
  constructor (epoch: number, pipeline: string) {
    super('ERR_KEY_UNAVAILABLE', `no key for epoch ${epoch} of pipeline "${pipeline}" on this node yet: it arrives with the pipeline's key-grant records (sync), or this identity is not a member`)
    this.epoch = epoch
  }
}

/**
 * An encrypted payload did not authenticate under any key of its epoch: it
 * was altered, moved from another entry, or sealed with another key. The
 * pipeline drops and counts it.
 */
export class PayloadAuthenticationError extends PipesError {
  static override name = 'PayloadAuthenticationError'
  constructor (message: string) {
    super('ERR_PAYLOAD_AUTH_FAILED', message)
  }
}

/** An `encrypted` or `peer` option of `createPipeline`, or a membership call, is not usable (the message says why). */
export class InvalidSecureOptionError extends PipesError {
  static override name = 'InvalidSecureOptionError'
  constructor (message: string) {
    super('ERR_INVALID_SECURE_OPTION', message)
  }
}

/** A membership change was asked of a node that may not make it (not an admin, or it lacks the current key). */
export class MembershipError extends PipesError {
  static override name = 'MembershipError'
  constructor (code: 'ERR_NOT_ADMIN' | 'ERR_MEMBERSHIP_NOT_READY' | 'ERR_NOT_MEMBER', message: string) {
    super(code, message)
  }
}
