import { PipesError } from '@pipes/interface'

/** A packet is larger than its pipeline's `maxPacketBytes`; nothing was stored or sent. */
export class PacketTooLargeError extends PipesError {
  static override name = 'PacketTooLargeError'
  readonly size: number
  readonly limit: number
  constructor (size: number, limit: number, pipeline: string) {
    super('ERR_PACKET_TOO_LARGE', `packet of ${size} bytes is over the ${limit}-byte limit of pipeline "${pipeline}": split it, or create the pipeline with a larger maxPacketBytes`)
    this.size = size
    this.limit = limit
  }
}

/** `createPipeline` was called with a name that exists with other options. */
export class PipelineExistsError extends PipesError {
  static override name = 'PipelineExistsError'
  constructor (name: string, existing: string, wanted: string) {
    super('ERR_PIPELINE_EXISTS', `pipeline "${name}" already exists as ${existing}, not ${wanted}: use pipelineNamed("${name}") or another name`)
  }
}

/** A pipeline name breaks the rules (1 to 128 characters of letters, digits, `.`, `_`, `-`, `:`, `#`, `@`, `+`, `=`). */
export class InvalidPipelineNameError extends PipesError {
  static override name = 'InvalidPipelineNameError'
  constructor (message: string) { super('ERR_INVALID_PIPELINE_NAME', message) }
}

/** An argument has the wrong type or an option is out of range (the message names it). */
export class InvalidPipelineArgumentError extends PipesError {
  static override name = 'InvalidPipelineArgumentError'
  constructor (message: string) { super('ERR_INVALID_ARGUMENT', message) }
}

/** The node was stopped; create a new node to go on. */
export class NodeStoppedError extends PipesError {
  static override name = 'NodeStoppedError'
  constructor (what: string) { super('ERR_NODE_STOPPED', `cannot ${what}: the Pipes node was stopped; create a new node (stop is final)`) }
}

/** The datastore failed or holds records this library cannot read; the pipeline stops taking writes. */
export class StoreFailedError extends PipesError {
  static override name = 'StoreFailedError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_STORE_FAILED', message, options) }
}

/**
 * A write to the datastore failed (disk full, I/O error): nothing of this
 * put was stored and the log in memory was rolled back to what is on disk.
 * The node keeps running; a later put (once the disk has room) works.
 */
export class StorageError extends PipesError {
  static override name = 'StorageError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_STORAGE', message, options) }
}

/**
 * The browser's storage quota for this origin is used up: the IndexedDB
 * write was aborted whole, nothing of it was stored (a put rejects with
 * `ERR_STORAGE` whose `cause` is this). Free space (delete old profiles or
 * other site data) or ask for persistent storage, then send again.
 */
export class StorageFullError extends PipesError {
  static override name = 'StorageFullError'
  /** The store (IndexedDB database name) that is full. */
  readonly store: string
  constructor (store: string, options?: { cause?: unknown }) {
    super('ERR_STORAGE_FULL', `the browser's storage quota is full (store "${store}"): nothing of this write was stored; free space for this site, then try again`, options)
    this.store = store
  }
}

/**
 * This node was created with `restored: true` (the identity's key was
 * restored onto this store) and has not learned yet, for this pipeline,
 * which entries the identity wrote on other stores: a put now would reuse
 * their seqs and fork the identity's own history for good. Nothing was
 * stored. Connect to a peer that carries the pipeline: once a sync has told
 * this node the identity's head there and it holds that much, puts work
 * (and keep working across restarts).
 */
export class OwnHeadsUnknownError extends PipesError {
  static override name = 'OwnHeadsUnknownError'
  constructor (pipeline: string) {
    super('ERR_OWN_HEADS_UNKNOWN', `cannot put on "${pipeline}" yet: this identity was restored onto this store and may have written entries elsewhere; connect so the node learns this identity's entries from a peer (a sync with one that carries "${pipeline}"), or, if this identity never wrote on another store, create the node without restored: true (newDevice)`)
  }
}

/**
 * A point-to-point put would take this identity over the mailbox quota
 * (envelopes or bytes held at a time, the same limits peers apply to every
 * author): nothing was stored. Envelopes leave the quota when they expire
 * (the node's mailbox retention); put again then, or raise the node's
 * `mailbox` quotas (peers with lower ones still drop what is over theirs).
 */
export class MailboxQuotaError extends PipesError {
  static override name = 'MailboxQuotaError'
  constructor (message: string) { super('ERR_MAILBOX_QUOTA', message) }
}

/** Signing one of our entries failed (the identity's `sign` threw): that put and the puts signed after it were not stored; put them again. */
export class SigningError extends PipesError {
  static override name = 'SigningError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_SIGNING_FAILED', message, options) }
}

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

/**
 * An encrypted entry's author is not known here (yet) to hold the key it is
 * sealed under: the record granting it may still be on its way. The
 * pipeline keeps the entry and tries again when control records arrive; it
 * is never delivered before.
 */
export class MembershipPendingError extends PipesError {
  static override name = 'MembershipPendingError'
  constructor (seq: number, pipeline: string) {
    super('ERR_MEMBERSHIP_PENDING', `entry seq ${seq} of pipeline "${pipeline}" is by an author this node does not know as a holder of its key yet: it waits for the pipeline's control records (sync)`)
  }
}

/**
 * An encrypted entry was written by a member after an admin removed it
 * (past the last seq the removal record names). The pipeline drops and
 * counts it (`stats().removedWrites`); it is never delivered.
 */
export class RemovedAuthorError extends PipesError {
  static override name = 'RemovedAuthorError'
  constructor (seq: number, pipeline: string) {
    super('ERR_REMOVED_AUTHOR', `entry seq ${seq} of pipeline "${pipeline}" was written by its author after it was removed: dropped`)
  }
}

/** The codes of {@link MembershipError}. */
export type MembershipErrorCode = 'ERR_NOT_ADMIN' | 'ERR_MEMBERSHIP_NOT_READY' | 'ERR_NOT_MEMBER' | 'ERR_NOT_REMOVABLE' | 'ERR_REKEY_PENDING'

/**
 * A membership call or an encrypted write that this node may not make. Its
 * `code` says which, one meaning each:
 * - `ERR_NOT_ADMIN`: only the owner and the admins may change the members.
 * - `ERR_MEMBERSHIP_NOT_READY`: this admin does not hold the current epoch key yet (wait for sync), or every epoch is used.
 * - `ERR_NOT_MEMBER`: this node holds no key to write with: it is not a member, or its key-grant has not arrived.
 * - `ERR_NOT_REMOVABLE`: the identity given to `removeMember` is not a member, or is the owner or an admin (fixed at creation).
 * - `ERR_REKEY_PENDING`: the current epoch key is also held by someone no longer a member (two admins acted at once):
 *   nothing was sent; an admin starts a new epoch (the owner at once, other admins within seconds); put again after the
 *   pipeline's `rekey` event, or when `needsRekey` is false.
 */
export class MembershipError extends PipesError {
  static override name = 'MembershipError'
  constructor (code: MembershipErrorCode, message: string) {
    super(code, message)
  }
}

/** A `history()` cursor names a packet id this pipeline's store does not hold. */
export class UnknownPacketError extends PipesError {
  static override name = 'UnknownPacketError'
  constructor (id: string, pipeline: string) {
    super('ERR_UNKNOWN_PACKET', `no packet ${id.slice(0, 16)}… in the store of pipeline "${pipeline}": page from the id of a packet history() or a listener gave, or from a time (ms)`)
  }
}
