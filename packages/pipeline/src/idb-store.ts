/**
 * The browser's durable store: a `DurableStore` on one IndexedDB object
 * store. A batch is one readwrite transaction, so it commits whole or not at
 * all; with `sync` the transaction asks for `durability: 'strict'`, which makes
 * the browser flush it to disk before `complete` fires. No Node built-in here.
 */
import { InvalidPipelineArgumentError, StorageFullError, StoreFailedError } from './errors.js'
import type { DurableStore, KvOp, KvRange } from './kv.js'

/** The object store inside each database (one per node). */
const OBJECT_STORE = 'kv'
/** Pairs read per transaction while scanning: a long log is never held at once. */
const SCAN_CHUNK = 256

/** Options of {@link openIndexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** The IndexedDB factory; default `globalThis.indexedDB`. */
  indexedDB?: IDBFactory
}

/** A `DurableStore` on IndexedDB, from {@link openIndexedDbStore}. */
export interface IndexedDbStore extends DurableStore {
  /** The database's name. */
  readonly name: string
  /** One page of keys between bounds, read with one cursor that stops at `limit`. */
  range (query: KvRange): Promise<Array<{ key: string, value: Uint8Array }>>
  /** Closes the database connection; calls after it throw `ERR_STORE_FAILED`. */
  close (): void
}

function requestDone<T> (request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => { resolve(request.result) }
    request.onerror = () => { reject(request.error ?? new Error('IndexedDB request failed')) }
  })
}

function isQuotaError (err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'QuotaExceededError'
}

function transactionDone (tx: IDBTransaction, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => { resolve() }
    const fail = (): void => {
      const err = tx.error
      reject(isQuotaError(err) ? new StorageFullError(name, { cause: err }) : (err ?? new Error(`IndexedDB transaction on "${name}" aborted`)))
    }
    tx.onerror = fail
    tx.onabort = fail
  })
}

class IdbStore implements IndexedDbStore {
  /** `true`: a batch with `sync` resolves after a strict-durability commit (flushed to disk by the browser). */
  readonly durable = true
  readonly name: string
  #db: IDBDatabase | undefined

  constructor (name: string, db: IDBDatabase) {
    this.name = name
    this.#db = db
  }

  #open (): IDBDatabase {
    if (this.#db === undefined) throw new StoreFailedError(`the IndexedDB store "${this.name}" was closed: open it again (a new node)`)
    return this.#db
  }

  async batch (ops: KvOp[], options: { sync: boolean }): Promise<void> {
    if (ops.length === 0) return
    const tx = this.#open().transaction(OBJECT_STORE, 'readwrite', { durability: options.sync ? 'strict' : 'relaxed' })
    const done = transactionDone(tx, this.name)
    const store = tx.objectStore(OBJECT_STORE)
    try {
      for (const op of ops) {
        if (op.value === undefined) store.delete(op.key)
        else store.put(op.value, op.key)
      }
    } catch (err) {
      // a put can throw synchronously (e.g. the quota): the transaction is then aborted
      try { tx.abort() } catch { /* already aborted by the failed put */ }
      await done.catch(() => {})
      throw isQuotaError(err) ? new StorageFullError(this.name, { cause: err }) : err
    }
    await done
  }

  async getMany (keys: string[]): Promise<Array<Uint8Array | undefined>> {
    if (keys.length === 0) return []
    const tx = this.#open().transaction(OBJECT_STORE, 'readonly')
    const store = tx.objectStore(OBJECT_STORE)
    const values = await Promise.all(keys.map(async key => await requestDone(store.get(key)) as unknown))
    return values.map(v => v instanceof Uint8Array ? v : undefined)
  }

  async * scan (prefix: string): AsyncIterable<{ key: string, value: Uint8Array }> {
    let lower = prefix
    let open = false
    const upper = prefix + '\uffff'
    for (;;) {
      const tx = this.#open().transaction(OBJECT_STORE, 'readonly')
      const store = tx.objectStore(OBJECT_STORE)
      const range = IDBKeyRange.bound(lower, upper, open, true)
      const [keys, values] = await Promise.all([
        requestDone(store.getAllKeys(range, SCAN_CHUNK)),
        requestDone(store.getAll(range, SCAN_CHUNK))
      ])
      for (let i = 0; i < keys.length; i++) {
        const value: unknown = values[i]
        if (value instanceof Uint8Array) yield { key: String(keys[i]), value }
      }
      if (keys.length < SCAN_CHUNK) return
      lower = String(keys[keys.length - 1])
      open = true
    }
  }

  async range (q: KvRange): Promise<Array<{ key: string, value: Uint8Array }>> {
    const lower = q.gt ?? q.gte
    const upper = q.lt ?? q.lte
    if (q.limit <= 0 || (lower !== undefined && upper !== undefined && lower > upper)) return []
    const range = lower !== undefined && upper !== undefined
      ? IDBKeyRange.bound(lower, upper, q.gt !== undefined, q.lt !== undefined)
      : lower !== undefined ? IDBKeyRange.lowerBound(lower, q.gt !== undefined) : upper !== undefined ? IDBKeyRange.upperBound(upper, q.lt !== undefined) : undefined
    const store = this.#open().transaction(OBJECT_STORE, 'readonly').objectStore(OBJECT_STORE)
    const out: Array<{ key: string, value: Uint8Array }> = []
    // one cursor, read only as far as the page: a page of an index costs the page
    await new Promise<void>((resolve, reject) => {
      const request = store.openCursor(range, q.reverse === true ? 'prev' : 'next')
      request.onerror = () => { reject(request.error ?? new Error('IndexedDB cursor failed')) }
      request.onsuccess = () => {
        const cursor = request.result
        if (cursor === null) { resolve(); return }
        if (cursor.value instanceof Uint8Array) out.push({ key: String(cursor.key), value: cursor.value })
        if (out.length >= q.limit) { resolve(); return }
        cursor.continue()
      }
    })
    return out
  }

  close (): void {
    this.#db?.close()
    this.#db = undefined
  }
}

/**
 * Opens (creating when new) the IndexedDB database `name` as a node's
 * `DurableStore`: pass it as `createPipesNode({ store })`, or let the
 * browser `PlatformStorage` (`createIndexedDbStorage` in `@pipes/platform`)
 * open one per node. `durable` is true: a `sync` batch resolves only after
 * a strict-durability commit. A write over the origin's storage quota
 * rejects with `ERR_STORAGE_FULL` and changes nothing.
 */
export async function openIndexedDbStore (name: string, options: IndexedDbStoreOptions = {}): Promise<IndexedDbStore> {
  const factory = options.indexedDB ?? globalThis.indexedDB
  if (factory === undefined) throw new InvalidPipelineArgumentError(`openIndexedDbStore("${name}"): this runtime has no indexedDB; pass options.indexedDB`)
  const request = factory.open(name, 1)
  request.onupgradeneeded = () => {
    if (!request.result.objectStoreNames.contains(OBJECT_STORE)) request.result.createObjectStore(OBJECT_STORE)
  }
  const db = await requestDone(request)
  // another tab upgrading (deleting) the database: let it, this connection ends
  db.onversionchange = () => { db.close() }
  return new IdbStore(name, db)
}
