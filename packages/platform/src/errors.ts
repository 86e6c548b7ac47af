import { PipesError } from '@pipes/interface'

/**
 * Another `PlatformAPI` (in this process or another one) holds the lock on
 * this `apiPath`. Two APIs on one directory would corrupt its stores, so the
 * second one is refused.
 */
export class ApiPathLockedError extends PipesError {
  static override name = 'ApiPathLockedError'
  /** The directory that is locked. */
  readonly apiPath: string
  /** The process id recorded in the lock file. */
  readonly pid: number
  /** The host recorded in the lock file. */
  readonly host: string

  constructor (apiPath: string, pid: number, host: string, since: string) {
    const who = pid === globalThis.process?.pid
      ? `another PlatformAPI in this same process (pid ${pid})`
      : `process ${pid} on host ${host}`
    super('ERR_API_PATH_LOCKED',
      `The Pipes directory ${apiPath} is in use by ${who} since ${since}. ` +
      'Close that PlatformAPI (await api.close()) or stop that process, or give this one another apiPath. ' +
      'A lock left by a process that died is taken over automatically.')
    this.apiPath = apiPath
    this.pid = pid
    this.host = host
  }
}

/** The directory already has its local identity; one directory holds one. */
export class IdentityExistsError extends PipesError {
  static override name = 'IdentityExistsError'
  constructor (apiPath: string, name: string, id: string) {
    super('ERR_IDENTITY_EXISTS',
      `The Pipes directory ${apiPath} already has a local identity, "${name}" (${id}). ` +
      'One apiPath holds one local identity: use another apiPath for another user.')
  }
}

/** `localIdentity()` was called before `addIdentity(name)`. */
export class NoLocalIdentityError extends PipesError {
  static override name = 'NoLocalIdentityError'
  constructor (apiPath: string) {
    super('ERR_NO_LOCAL_IDENTITY',
      `The Pipes directory ${apiPath} has no local identity yet: call await api.addIdentity(name) first ` +
      '(check with await api.hasLocalIdentity()).')
  }
}

/** An identity name that cannot be used. */
export class InvalidIdentityNameError extends PipesError {
  static override name = 'InvalidIdentityNameError'
  constructor (reason: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_IDENTITY_NAME',
      `Invalid identity name: ${reason}. A name is 1 to 64 UTF-8 bytes, with no control characters and no leading or trailing white space.`,
      options)
  }
}

/** A network id that is not configured in this `apiPath`. */
export class UnknownNetworkError extends PipesError {
  static override name = 'UnknownNetworkError'
  /** The ids that are configured. */
  readonly known: string[]
  constructor (id: string, known: string[]) {
    super('ERR_UNKNOWN_NETWORK',
      `No network with id "${id}" is configured. Known networks: ${known.map(k => `"${k}"`).join(', ')}. ` +
      'Add it first with await api.addNetwork({ id, ... }).')
    this.known = known
  }
}

/** `addNetwork` with an id that is already configured (or is the built-in one). */
export class NetworkExistsError extends PipesError {
  static override name = 'NetworkExistsError'
  constructor (id: string, builtIn: boolean) {
    super('ERR_NETWORK_EXISTS', builtIn
      ? `"${id}" is the built-in loopback network and cannot be replaced or removed; pick another id for your network.`
      : `A network with id "${id}" is already configured. Remove it first with await api.removeNetwork("${id}") to replace it.`)
  }
}

/** A file under `apiPath` that cannot be read back (edited by hand, or not ours). */
export class CorruptConfigError extends PipesError {
  static override name = 'CorruptConfigError'
  constructor (path: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_CORRUPT_CONFIG',
      `Cannot read ${path}: ${reason}. Restore it from a backup or move it away (Pipes writes it atomically, so this is not a crash leftover).`,
      options)
  }
}

/** A browser profile is in use by another tab (its Web Lock is held), or locks are missing. */
export class ProfileLockedError extends PipesError {
  static override name = 'ProfileLockedError'
  /** The profile (the `apiPath` of the browser storage). */
  readonly profile: string
  constructor (profile: string, reason: string) {
    super('ERR_PROFILE_LOCKED', `The Pipes profile "${profile}" cannot be opened here: ${reason}.`)
    this.profile = profile
  }
}

/** `node.datastore` on a storage that gives a `DurableStore` only (the browser's IndexedDB): use `node.store`. */
export class NoDatastoreError extends PipesError {
  static override name = 'NoDatastoreError'
  constructor (networkId: string) {
    super('ERR_NO_DATASTORE', `The node on network "${networkId}" has no interface-datastore Datastore (its storage gives a DurableStore, e.g. IndexedDB in a browser): use node.store instead.`)
  }
}

/** The `PlatformAPI` (or a node of it) was used after `close()`. */
export class ClosedError extends PipesError {
  static override name = 'ClosedError'
  constructor (what: string) {
    super('ERR_CLOSED', `${what} has been closed; create a new PlatformAPI to use this apiPath again.`)
  }
}

/** A node operation that needs `connect()` first. */
export class NotConnectedError extends PipesError {
  static override name = 'NotConnectedError'
  constructor (what: string) {
    super('ERR_NOT_CONNECTED', `${what} needs a connected node: call await node.connect() first.`)
  }
}
