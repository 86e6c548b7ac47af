/**
 * A tiny least-recently-used map with a fixed capacity: a `get` hit moves the
 * entry to the young end, a `set` past capacity evicts the oldest entry.
 * The one bounded cache of the tree (imported public keys, verified authors,
 * recently seen entry ids).
 */
export class Lru<K, V> {
  readonly #max: number
  readonly #map = new Map<K, V>()

  /** `max`: how many entries are kept. */
  constructor (max: number) {
    this.#max = max
  }

  /** Entries held now (at most the capacity). */
  get size (): number { return this.#map.size }

  /** The value of `key`, made the youngest entry. */
  get (key: K): V | undefined {
    const value = this.#map.get(key)
    if (value === undefined) return undefined
    this.#map.delete(key)
    this.#map.set(key, value)
    return value
  }

  /** The value of `key` without touching its age (a FIFO-style lookup). */
  peek (key: K): V | undefined {
    return this.#map.get(key)
  }

  /** Sets `key` as the youngest entry; past capacity the oldest is evicted. */
  set (key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next()
      if (oldest.done !== true) this.#map.delete(oldest.value)
    }
  }

  /** Forgets `key`. */
  delete (key: K): void {
    this.#map.delete(key)
  }

  /** Whether `key` is held (its age unchanged). */
  has (key: K): boolean {
    return this.#map.has(key)
  }
}
