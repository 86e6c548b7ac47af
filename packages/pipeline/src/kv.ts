import { Key } from 'interface-datastore'
import type { Datastore } from 'interface-datastore'

/** One write of a group commit; no `value` deletes the key. */
export interface KvOp {
  key: string
  value?: Uint8Array
}

/**
 * The few storage operations the entry store needs, over any Datastore.
 * A LevelDatastore (recognised by its `db`) is used directly so that a
 * group commit is one synced LevelDB batch and reads are one `getMany`.
 */
export interface Kv {
  /** True when `write` is flushed to stable storage (fsync) before it resolves. */
  readonly synced: boolean
  /** Writes every op atomically. */
  write (ops: KvOp[]): Promise<void>
  /** Values of the keys, undefined where absent. */
  getMany (keys: string[]): Promise<Array<Uint8Array | undefined>>
  /** Every key and value under a prefix, in key order. */
  scan (prefix: string): AsyncIterable<{ key: string, value: Uint8Array }>
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
  iterator: (options: { gte: string, lt: string }) => AsyncIterable<[string, Uint8Array]>
}

function levelOf (datastore: Datastore): LevelLike | undefined {
  const db = (datastore as unknown as { db?: unknown }).db
  if (db === null || typeof db !== 'object') return undefined
  const candidate = db as Partial<LevelLike>
  if (typeof candidate.batch !== 'function' || typeof candidate.getMany !== 'function' || typeof candidate.iterator !== 'function') return undefined
  return candidate as LevelLike
}

class LevelKv implements Kv {
  readonly synced = true
  readonly #db: LevelLike
  constructor (db: LevelLike) { this.#db = db }

  async write (ops: KvOp[]): Promise<void> {
    const batch = this.#db.batch()
    for (const op of ops) {
      if (op.value === undefined) batch.del(op.key)
      else batch.put(op.key, op.value)
    }
    await batch.write({ sync: true })
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
}

class DatastoreKv implements Kv {
  readonly synced = false
  readonly #ds: Datastore
  constructor (ds: Datastore) { this.#ds = ds }

  async write (ops: KvOp[]): Promise<void> {
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

/** The Kv view of a datastore. */
export function kvOf (datastore: Datastore): Kv {
  const level = levelOf(datastore)
  return level === undefined ? new DatastoreKv(datastore) : new LevelKv(level)
}
