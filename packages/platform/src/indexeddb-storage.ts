/**
 * The browser storage: everything of one profile in IndexedDB, no Node
 * built-in. A `PlatformAPI` given it runs the same code as in Node; only
 * where bytes land differs.
 *
 * ```
 * database "pipes:<profile>", object store "meta":
 *   "identity.key"     the key file text (optionally sealed with a passphrase)
 *   "identity.origin"  the peer id addIdentity generated here
 *   "networks"         the added network configs (JSON)
 * database "pipes:<profile>:node:<networkId>:<peerId>": the node's DurableStore
 * Web Lock "pipes:<profile>": held while the PlatformAPI is open (one tab at a time)
 * ```
 */
import { exportKeyFile, importKeyFile } from '@pipes/identity'
import { openIndexedDbStore } from '@pipes/pipeline'
import { CorruptConfigError, ProfileLockedError } from './errors.js'
import type { OpenedDatastore, PlatformStorage } from './storage.js'
import type { NetworkConfig } from '@pipes/transport'

const META = 'meta'
const NETWORKS_VERSION = 1

/** Options of {@link createIndexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /** The IndexedDB factory; default `globalThis.indexedDB`. */
  indexedDB?: IDBFactory
  /** The Web Locks manager that keeps a second tab out; default `navigator.locks`. */
  locks?: LockManager
}

function done<T> (request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => { resolve(request.result) }
    request.onerror = () => { reject(request.error ?? new Error('IndexedDB request failed')) }
  })
}

/** The database names a profile uses (for the README's layout and for clean-up). */
export function indexedDbLayout (profile: string): { meta: string, lock: string, node: (networkId: string, peerId: string) => string } {
  return {
    meta: `pipes:${profile}`,
    lock: `pipes:${profile}`,
    node: (networkId, peerId) => `pipes:${profile}:node:${networkId}:${peerId}`
  }
}

/**
 * Creates the browser's `PlatformStorage` for the profile `profile`: pass it
 * as `new PlatformAPI(profile, { storage })` (or `new Chat(profile, {
 * platform: { storage } })`). `open()` takes the Web Lock of the profile
 * without waiting: a second tab gets `ERR_PROFILE_LOCKED` instead of writing
 * beside the first.
 */
export function createIndexedDbStorage (profile: string, options: IndexedDbStorageOptions = {}): PlatformStorage {
  const layout = indexedDbLayout(profile)
  const factory = options.indexedDB ?? globalThis.indexedDB
  let db: IDBDatabase | undefined
  let release: (() => void) | undefined

  const meta = (mode: IDBTransactionMode): IDBObjectStore => {
    if (db === undefined) throw new Error('createIndexedDbStorage: open() first')
    return db.transaction(META, mode, { durability: 'strict' }).objectStore(META)
  }
  const read = async (key: string): Promise<unknown> => await done(meta('readonly').get(key))
  const write = async (entries: Record<string, unknown>): Promise<void> => {
    const store = meta('readwrite')
    const tx = store.transaction
    const committed = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => { resolve() }
      tx.onabort = () => { reject(tx.error ?? new Error('IndexedDB transaction aborted')) }
    })
    for (const [key, value] of Object.entries(entries)) store.put(value, key)
    await committed
  }

  return {
    async open () {
      const locks = options.locks ?? globalThis.navigator?.locks
      if (locks === undefined) throw new ProfileLockedError(profile, 'this browser has no Web Locks (navigator.locks), so two tabs could not be kept apart; use a current browser over https or 127.0.0.1')
      const held = new Promise<boolean>((resolve, reject) => {
        locks.request(layout.lock, { ifAvailable: true }, async lock => {
          if (lock === null) { resolve(false); return }
          resolve(true)
          await new Promise<void>(resolve => { release = resolve })
        }).catch(reject)
      })
      if (!await held) throw new ProfileLockedError(profile, 'it is open in another tab or window of this browser: close it there (or use that tab)')
      try {
        const request = factory.open(layout.meta, 1)
        request.onupgradeneeded = () => { request.result.createObjectStore(META) }
        db = await done(request)
      } catch (err) {
        release?.()
        throw err
      }
    },

    async close () {
      db?.close()
      db = undefined
      release?.()
      release = undefined
    },

    async hasKey () {
      return typeof await read('identity.key') === 'string'
    },

    async loadKey (opts) {
      const text = await read('identity.key')
      if (typeof text !== 'string') return undefined
      return await importKeyFile(text, opts)
    },

    async saveKey (identity, opts) {
      // one transaction: the key and where it was made land together or not at all
      await write({ 'identity.key': await exportKeyFile(identity, opts), 'identity.origin': identity.id })
    },

    async keyGeneratedHere (peerId) {
      return await read('identity.origin') === peerId
    },

    async loadNetworks (): Promise<NetworkConfig[]> {
      const saved = await read('networks') as { version?: unknown, networks?: unknown } | undefined
      if (saved === undefined) return []
      if (saved?.version !== NETWORKS_VERSION || !Array.isArray(saved.networks)) {
        throw new CorruptConfigError(`${layout.meta} (IndexedDB) networks`, `expected { version: ${NETWORKS_VERSION}, networks: [...] }`)
      }
      return saved.networks as NetworkConfig[]
    },

    async saveNetworks (networks) {
      await write({ networks: { version: NETWORKS_VERSION, networks: JSON.parse(JSON.stringify(networks)) as unknown } })
    },

    async openDatastore (networkId, peerId): Promise<OpenedDatastore> {
      const store = await openIndexedDbStore(layout.node(networkId, peerId), { indexedDB: factory })
      return { store, close: async () => { store.close() } }
    }
  }
}
