import type { LocalIdentity } from '@pipes/identity'
import type { NetworkConfig } from '@pipes/transport'
import type { Datastore } from 'interface-datastore'

/** A node's store, opened for one network and one identity. */
export interface OpenedDatastore {
  readonly datastore: Datastore
  /** Flushes and closes the store. */
  close (): Promise<void>
}

/**
 * Where a `PlatformAPI` keeps its state. The default, used for a string
 * `apiPath` in Node, is a directory (see `README.md` for its layout); other
 * runtimes pass their own to `new PlatformAPI(apiPath, { storage })`.
 *
 * A `PlatformAPI` calls `open()` before anything else and `close()` last, and
 * never calls two methods of its storage at the same time.
 */
export interface PlatformStorage {
  /** Takes exclusive use of the location (the directory lock) and prepares it. */
  open (): Promise<void>
  /** Gives the location up again (releases the lock). */
  close (): Promise<void>
  /** Whether a local identity has been saved. */
  hasKey (): Promise<boolean>
  /** Loads the saved local identity, or `undefined` when there is none. */
  loadKey (options: { passphrase?: string }): Promise<LocalIdentity | undefined>
  /** Saves the local identity (atomically: a crash leaves the old state or the new one). */
  saveKey (identity: LocalIdentity, options: { passphrase?: string }): Promise<void>
  /** The network configs saved by `saveNetworks` (empty at first). */
  loadNetworks (): Promise<NetworkConfig[]>
  /** Replaces the saved network configs (atomically). */
  saveNetworks (networks: NetworkConfig[]): Promise<void>
  /** Opens the store of the node for `networkId` and `peerId`. */
  openDatastore (networkId: string, peerId: string): Promise<OpenedDatastore>
}
