import { Key } from 'interface-datastore'
import { InvalidPipelineArgumentError } from './errors.js'
import type { Datastore } from 'interface-datastore'

/** One write of a group commit; no `value` deletes the key. */
export interface KvOp {
  key: string
  value?: Uint8Array
}

/**
 * The storage seam of a node: the few operations its logs need, with a
 * durable batch. Implement it to put Pipes on another store (IndexedDB in
 * a browser); `levelDurableStore` and `datastoreDurableStore` adapt the
 * interface-datastore stores.
 */
export interface DurableStore {
  /** True when `batch(ops, { sync: true })` reaches stable storage (fsync) before it resolves. */
  readonly durable: boolean
  /** Writes every op atomically; with `sync`, resolves only once they are on stable storage (where `durable`). */
  batch (ops: KvOp[], options: { sync: boolean }): Promise<void>
  /** Values of the keys, undefined where absent. */
  getMany (keys: string[]): Promise<Array<Uint8Array | undefined>>
  /** Every key and value under a prefix, in key order. */
  scan (prefix: string): AsyncIterable<{ key: string, value: Uint8Array }>
  /**
   * At most `limit` keys and values between the bounds, in key order (from
   * the top with `reverse`), reading only those: a page of an index costs
   * the page, not the index. Optional: without it, readers fall back to a
   * {@link scan} of the prefix (correct, but it reads the whole prefix).
   */
  range?: (query: KvRange) => Promise<Array<{ key: string, value: Uint8Array }>>
}

/** Bounds of {@link DurableStore.range}: `gt`/`gte` below, `lt`/`lte` above (at least one each side). */
export interface KvRange {
  gt?: string
  gte?: string
  lt?: string
  lte?: string
  limit: number
  reverse?: boolean
}

/** Whether `key` is inside the bounds of `q`. */
export function inRange (key: string, q: KvRange): boolean {
  if (q.gt !== undefined && key <= q.gt) return false
  if (q.gte !== undefined && key < q.gte) return false
  if (q.lt !== undefined && key >= q.lt) return false
  if (q.lte !== undefined && key > q.lte) return false
  return true
}

/**
 * {@link DurableStore.range} of a store, or the same result from a scan of
 * `prefix` (every key of the range starts with it) for a store without one.
 */
export async function rangeOf (kv: DurableStore, prefix: string, q: KvRange): Promise<Array<{ key: string, value: Uint8Array }>> {
  if (kv.range !== undefined) return await kv.range(q)
  const found: Array<{ key: string, value: Uint8Array }> = []
  for await (const pair of kv.scan(prefix)) {
    if (inRange(pair.key, q)) found.push(pair)
  }
  if (q.reverse === true) found.reverse()
  return found.slice(0, q.limit)
}

/** A classic-level chained batch. */
interface LevelChainedBatch {
  put: (key: string, value: Uint8Array) => unknown
  del: (key: string) => unknown
  write: (options: { sync: boolean }) => Promise<void>
}

/** The classic-level surface we use (duck-typed: no import of datastore-level, which is Node-only). */
interface LevelLike {
  status?: string
  /** With no arguments: a chained batch (its ops skip the per-op option copies of the array form). */
  batch: () => LevelChainedBatch
  getMany: (keys: string[]) => Promise<Array<Uint8Array | undefined>>
  iterator: (options: { gt?: string, gte?: string, lt?: string, lte?: string, limit?: number, reverse?: boolean }) => AsyncIterable<[string, Uint8Array]>
}

function levelOf (datastore: Datastore): LevelLike | undefined {
  const db = (datastore as unknown as { db?: unknown }).db
  if (db === null || typeof db !== 'object') return undefined
  const candidate = db as Partial<LevelLike>
  if (typeof candidate.batch !== 'function' || typeof candidate.getMany !== 'function' || typeof candidate.iterator !== 'function') return undefined
  return candidate as LevelLike
}

class LevelStore implements DurableStore {
  readonly durable = true
  readonly #db: LevelLike
  constructor (db: LevelLike) { this.#db = db }

  async batch (ops: KvOp[], options: { sync: boolean }): Promise<void> {
    const batch = this.#db.batch()
    for (const op of ops) {
      if (op.value === undefined) batch.del(op.key)
      else batch.put(op.key, op.value)
    }
    await batch.write({ sync: options.sync })
  }

  async getMany (keys: string[]): Promise<Array<Uint8Array | undefined>> {
    if (keys.length === 0) return []
    const values = await this.#db.getMany(keys)
    return values.map(v => v ?? undefined)
  }

  async * scan (prefix: string): AsyncIterable<{ key: string, value: Uint8Array }> {
    for await (const [key, value] of this.#db.iterator({ gte: prefix, lt: prefix + '\uffff' })) {
      yield { key, value }
    }
  }

  async range (q: KvRange): Promise<Array<{ key: string, value: Uint8Array }>> {
    const out: Array<{ key: string, value: Uint8Array }> = []
    // only the bounds given: LevelDB takes an undefined bound for a value
    const options: KvRange = { limit: q.limit, reverse: q.reverse === true }
    for (const k of ['gt', 'gte', 'lt', 'lte'] as const) if (q[k] !== undefined) options[k] = q[k]
    for await (const [key, value] of this.#db.iterator(options)) out.push({ key, value })
    return out
  }
}

class DatastoreStore implements DurableStore {
  readonly durable = false
  readonly #ds: Datastore
  constructor (ds: Datastore) { this.#ds = ds }

  async batch (ops: KvOp[], _options: { sync: boolean }): Promise<void> {
    const batch = this.#ds.batch()
    for (const op of ops) {
      if (op.value === undefined) batch.delete(new Key(op.key, false))
      else batch.put(new Key(op.key, false), op.value)
    }
    await batch.commit()
  }

  async getMany (keys: string[]): Promise<Array<Uint8Array | undefined>> {
    return await Promise.all(keys.map(async (key) => {
      try {
        return await this.#ds.get(new Key(key, false))
      } catch (err) {
        if ((err as Error).name === 'NotFoundError') return undefined
        throw err
      }
    }))
  }

  async * scan (prefix: string): AsyncIterable<{ key: string, value: Uint8Array }> {
    const found: Array<{ key: string, value: Uint8Array }> = []
    for await (const pair of this.#ds.query({ prefix })) {
      const key = pair.key.toString()
      if (key.startsWith(prefix)) found.push({ key, value: pair.value })
    }
    found.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
    yield * found
  }
}

/**
 * A datastore-level `LevelDatastore` (opened) as a durable store: a batch is
 * one LevelDB batch written with `sync`, reads are one `getMany`. Throws when
 * `datastore` has no LevelDB inside (a wrapper: pass the LevelDatastore it wraps).
 */
export function levelDurableStore (datastore: Datastore): DurableStore {
  const level = levelOf(datastore)
  if (level === undefined) throw new InvalidPipelineArgumentError('levelDurableStore: the datastore has no LevelDB `db` (is it a wrapper? pass the LevelDatastore itself, opened)')
  return new LevelStore(level)
}

/** Any interface-datastore `Datastore` (MemoryDatastore, …) as a store whose batches are not fsynced (`durable: false`). */
export function datastoreDurableStore (datastore: Datastore): DurableStore {
  return new DatastoreStore(datastore)
}

/**
 * What `createPipesNode({ datastore })` uses: a LevelDatastore (recognised
 * by its LevelDB `db`) through `levelDurableStore`, any other datastore
 * through `datastoreDurableStore`. Pass `store` instead to choose.
 */
export function durableStoreOf (datastore: Datastore): DurableStore {
  const level = levelOf(datastore)
  return level === undefined ? new DatastoreStore(datastore) : new LevelStore(level)
}
