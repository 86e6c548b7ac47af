import { assertValidName, generateIdentity } from '@pipes/identity'
import {
  ClosedError, IdentityExistsError, InvalidIdentityNameError, NetworkExistsError,
  NoLocalIdentityError, UnknownNetworkError
} from './errors.js'
import { Network } from './network.js'
import { LOCAL_NETWORK, LOCAL_NETWORK_ID, normalizeNetworkConfig } from './network-config.js'
import { PlatformNode } from './platform-node.js'
import type { PlatformStorage } from './storage.js'
import type { LocalIdentity } from '@pipes/identity'
import type { NetworkConfig, createTransport } from '@pipes/transport'

/** Options of {@link PlatformAPI}. */
export interface PlatformAPIOptions {
  /** The passphrase that seals (and opens) the key file, when it is sealed. */
  passphrase?: string
  /**
   * Where state lives. Default: the directory `apiPath` in Node's file system
   * (loaded on first use). Pass another storage in other runtimes.
   */
  storage?: PlatformStorage
  /** How often persistent pipelines re-sync with peers (passed to `createPipesNode`). */
  syncIntervalMs?: number
  /** Transport timings and limits (passed to `createTransport`), e.g. a shorter gossipsub heartbeat in tests. */
  transport?: TransportTimings
}

/** The `options` of `createTransport` from `@pipes/transport`. */
export type TransportTimings = NonNullable<Parameters<typeof createTransport>[0]['options']>

/** Checks a name with the identity package's rules, as a platform error. */
function checkIdentityName (name: unknown): string {
  try {
    assertValidName(name)
  } catch (err) {
    throw new InvalidIdentityNameError((err as Error).message, { cause: err })
  }
  return name
}

/**
 * The entry point of Pipes, as in the tutorial: `new PlatformAPI(apiPath)`.
 *
 * The constructor does no I/O. The first async call opens `apiPath`: it takes
 * the directory lock (a second `PlatformAPI` on the same directory, in any
 * process, gets `ERR_API_PATH_LOCKED`) and reads what an earlier run saved
 * there. `await PlatformAPI.open(apiPath)` does the same in one step.
 * `await api.close()` stops every node and releases the lock.
 */
export class PlatformAPI {
  /** The directory (or storage location) this API keeps its state in. */
  readonly apiPath: string
  readonly #options: PlatformAPIOptions
  #storage: PlatformStorage | undefined
  #opening: Promise<void> | undefined
  #closed = false
  #identity: LocalIdentity | undefined
  #networks: Map<string, NetworkConfig> | undefined
  readonly #nodes = new Map<string, Promise<PlatformNode>>()
  #queue: Promise<unknown> = Promise.resolve()

  constructor (apiPath: string, options: PlatformAPIOptions = {}) {
    if (typeof apiPath !== 'string' || apiPath.length === 0) {
      throw new TypeError('PlatformAPI needs apiPath: the directory where Pipes keeps its state')
    }
    this.apiPath = apiPath
    this.#options = { ...options }
    this.#storage = options.storage
  }

  /** Creates a `PlatformAPI` and opens it (takes the lock) at once. */
  static async open (apiPath: string, options: PlatformAPIOptions = {}): Promise<PlatformAPI> {
    const api = new PlatformAPI(apiPath, options)
    await api.open()
    return api
  }

  /**
   * Opens `apiPath`: takes the lock and loads the saved networks. Every async
   * method calls it first, so calling it yourself is optional; it is useful to
   * learn early that the directory is locked. Safe to call again.
   */
  async open (): Promise<void> {
    if (this.#closed) throw new ClosedError('This PlatformAPI')
    this.#opening ??= this.#doOpen().catch((err: unknown) => {
      this.#opening = undefined // a failed open (e.g. locked) can be retried
      throw err
    })
    await this.#opening
  }

  async #doOpen (): Promise<void> {
    if (this.#storage === undefined) {
      const { createDirectoryStorage } = await import('./directory-storage.js')
      this.#storage = createDirectoryStorage(this.apiPath)
    }
    const storage = this.#storage
    await storage.open()
    try {
      const saved = await storage.loadNetworks()
      const networks = new Map<string, NetworkConfig>([[LOCAL_NETWORK_ID, { ...LOCAL_NETWORK }]])
      for (const config of saved) {
        const checked = normalizeNetworkConfig(config)
        if (checked.id !== LOCAL_NETWORK_ID) networks.set(checked.id, checked)
      }
      this.#networks = networks
    } catch (err) {
      await storage.close()
      throw err
    }
  }

  /** Opens if needed, then runs `fn` with exclusive use of the storage. */
  async #use<T> (fn: (storage: PlatformStorage) => Promise<T>): Promise<T> {
    await this.open()
    const run = async (): Promise<T> => {
      if (this.#closed || this.#storage === undefined) throw new ClosedError('This PlatformAPI')
      return fn(this.#storage)
    }
    const result = this.#queue.then(run, run)
    this.#queue = result.catch(() => {})
    return result
  }

  /** Whether this `apiPath` has a local identity (`addIdentity` was called, in this run or an earlier one). */
  async hasLocalIdentity (): Promise<boolean> {
    return this.#use(async storage => this.#identity !== undefined || storage.hasKey())
  }

  /**
   * Creates the local identity `name` (a new ed25519 key) and saves it to
   * `<apiPath>/identity.key`, sealed when a passphrase is given. An `apiPath`
   * holds one local identity: a second call throws `ERR_IDENTITY_EXISTS`; a
   * bad name throws `ERR_INVALID_IDENTITY_NAME`.
   */
  async addIdentity (name: string, options: { passphrase?: string } = {}): Promise<LocalIdentity> {
    const checked = checkIdentityName(name)
    return this.#use(async storage => {
      if (this.#identity !== undefined || await storage.hasKey()) {
        const existing = this.#identity ?? await this.#loadIdentity(storage, options.passphrase)
        throw new IdentityExistsError(this.apiPath, existing.name, existing.id)
      }
      const identity = generateIdentity(checked)
      const passphrase = options.passphrase ?? this.#options.passphrase
      await storage.saveKey(identity, passphrase === undefined ? {} : { passphrase })
      this.#identity = identity
      return identity
    })
  }

  async #loadIdentity (storage: PlatformStorage, passphrase?: string): Promise<LocalIdentity> {
    const pass = passphrase ?? this.#options.passphrase
    const identity = await storage.loadKey(pass === undefined ? {} : { passphrase: pass })
    if (identity === undefined) throw new NoLocalIdentityError(this.apiPath)
    return identity
  }

  /**
   * The local identity, loaded from `<apiPath>/identity.key` on first use.
   * Throws `ERR_NO_LOCAL_IDENTITY` before `addIdentity`. A sealed key file
   * needs the passphrase (here or in the constructor's options).
   */
  async localIdentity (options: { passphrase?: string } = {}): Promise<LocalIdentity> {
    return this.#use(async storage => {
      this.#identity ??= await this.#loadIdentity(storage, options.passphrase)
      return this.#identity
    })
  }

  /**
   * Adds a network config and saves it to `<apiPath>/networks.json`. Throws
   * `ERR_INVALID_NETWORK_CONFIG` for a bad config and `ERR_NETWORK_EXISTS`
   * when the id is taken (including the built-in `"local"`).
   */
  async addNetwork (config: NetworkConfig): Promise<Network> {
    const checked = normalizeNetworkConfig(config)
    return this.#use(async storage => {
      const networks = this.#networks as Map<string, NetworkConfig>
      if (networks.has(checked.id)) throw new NetworkExistsError(checked.id, checked.id === LOCAL_NETWORK_ID)
      const next = new Map(networks).set(checked.id, checked)
      await storage.saveNetworks(savedOnly(next))
      this.#networks = next
      return this.#network(checked)
    })
  }

  /**
   * The network with this id: the built-in `"local"` or one added with
   * `addNetwork`. An unknown id throws `ERR_UNKNOWN_NETWORK`, listing the known ones.
   */
  async networkWithId (id: string): Promise<Network> {
    return this.#use(async () => {
      const networks = this.#networks as Map<string, NetworkConfig>
      const config = networks.get(id)
      if (config === undefined) throw new UnknownNetworkError(String(id), [...networks.keys()])
      return this.#network(config)
    })
  }

  /** Every known network: the built-in `"local"` first, then the added ones in the order they were added. */
  async networks (): Promise<Network[]> {
    return this.#use(async () => [...(this.#networks as Map<string, NetworkConfig>).values()].map(c => this.#network(c)))
  }

  /**
   * Removes an added network's config. Its running nodes are closed first;
   * their stores stay on disk, so adding the network again finds its history.
   * Unknown ids throw `ERR_UNKNOWN_NETWORK`; `"local"` cannot be removed.
   */
  async removeNetwork (id: string): Promise<void> {
    if (id === LOCAL_NETWORK_ID) throw new NetworkExistsError(id, true)
    const closing: Array<Promise<PlatformNode>> = []
    await this.#use(async storage => {
      const networks = this.#networks as Map<string, NetworkConfig>
      if (!networks.has(id)) throw new UnknownNetworkError(String(id), [...networks.keys()])
      const next = new Map(networks)
      next.delete(id)
      await storage.saveNetworks(savedOnly(next))
      this.#networks = next
      for (const [key, node] of this.#nodes) {
        if (key.startsWith(`${id}/`)) closing.push(node)
      }
    })
    await Promise.all(closing.map(async n => { await (await n).close() }))
  }

  #network (config: NetworkConfig): Network {
    return new Network(config, async (cfg, identity) => this.#nodeFor(cfg, identity))
  }

  async #nodeFor (config: NetworkConfig, identity: LocalIdentity): Promise<PlatformNode> {
    if (this.#closed) throw new ClosedError('This PlatformAPI')
    const key = `${config.id}/${identity.id}`
    let node = this.#nodes.get(key)
    if (node === undefined) {
      node = this.#use(async storage => {
        // libp2p and the pipelines are loaded with the first node: managing
        // identities and networks does not pay for them.
        const [{ createTransport }, { createPipesNode, durableStoreOf }] = await Promise.all([
          import('@pipes/transport'),
          import('@pipes/pipeline')
        ])
        const store = await storage.openDatastore(config.id, identity.id)
        try {
          // the storage's own DurableStore (a browser's IndexedDB), else the datastore as createPipesNode would adapt it
          const kv = store.store ?? durableStoreOf(store.datastore as NonNullable<typeof store.datastore>)
          // Not started here: the node goes on the network at node.connect().
          const transport = await createTransport({
            identity,
            network: config,
            start: false,
            ...(this.#options.transport === undefined ? {} : { options: this.#options.transport })
          })
          // a key restored into this apiPath (not made by addIdentity here) learns its own entries from a peer before writing
          const restored = storage.keyGeneratedHere === undefined ? false : !await storage.keyGeneratedHere(identity.id)
          const pipes = createPipesNode({
            identity,
            transport,
            store: kv,
            restored,
            ...(this.#options.syncIntervalMs === undefined ? {} : { syncIntervalMs: this.#options.syncIntervalMs })
          })
          return new PlatformNode({ network: config, identity, transport, pipes, store, kv, onClose: () => { this.#nodes.delete(key) } })
        } catch (err) {
          await store.close()
          throw err
        }
      })
      this.#nodes.set(key, node)
      node.catch(() => { this.#nodes.delete(key) })
    }
    return node
  }

  /**
   * Stops every node (pipelines, connections, stores) and releases the lock.
   * Safe to call twice; the API cannot be used afterwards.
   */
  async close (): Promise<void> {
    if (this.#closed) return
    const opening = this.#opening
    const nodes = [...this.#nodes.values()]
    this.#closed = true
    // A node whose creation failed was never running; its error already went
    // to whoever asked for it.
    const results = await Promise.allSettled(nodes.map(async n => {
      const node = await n.catch(() => undefined)
      await node?.close()
    }))
    await this.#queue
    if (opening !== undefined) {
      const opened = await opening.then(() => true, () => false)
      if (opened) await this.#storage?.close()
    }
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }
}

function savedOnly (networks: Map<string, NetworkConfig>): NetworkConfig[] {
  return [...networks.values()].filter(n => n.id !== LOCAL_NETWORK_ID)
}
