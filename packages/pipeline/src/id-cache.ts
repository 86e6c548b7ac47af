/** A bounded map of recent ids: the oldest is forgotten when a new one would pass the bound. */
export class IdCache<V = true> {
  readonly #ids = new Map<string, V>()
  readonly #max: number

  constructor (max: number) {
    this.#max = max
  }

  get (id: string): V | undefined {
    return this.#ids.get(id)
  }

  has (id: string): boolean {
    return this.#ids.has(id)
  }

  add (id: string, value: V): void {
    if (this.#ids.has(id)) return
    this.#ids.set(id, value)
    if (this.#ids.size > this.#max) {
      const oldest = this.#ids.keys().next().value
      if (oldest !== undefined) this.#ids.delete(oldest)
    }
  }
}
