/**
 * A tiny least-recently-used map with a fixed capacity: a `get` hit moves the
 * entry to the young end, a `set` past capacity evicts the oldest entry.
 */
export class Lru<K, V> {
  readonly #max: number
  readonly #map = new Map<K, V>()

  constructor (max: number) {
    this.#max = max
  }

  get size (): number { return this.#map.size }

  get (key: K): V | undefined {
    const value = this.#map.get(key)
    if (value === undefined) return undefined
    this.#map.delete(key)
    this.#map.set(key, value)
    return value
  }

  set (key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next()
      if (oldest.done !== true) this.#map.delete(oldest.value)
    }
  }

  delete (key: K): void {
    this.#map.delete(key)
  }

  has (key: K): boolean {
    return this.#map.has(key)
  }
}
