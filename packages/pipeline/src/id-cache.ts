import { Lru } from '@pipes/interface'

/**
 * A bounded set of recent ids (with a value each): the oldest added is
 * forgotten when a new one would pass the bound. Lookups do not refresh an
 * id, and adding a known id keeps its first value and age.
 */
export class IdCache<V = true> {
  readonly #ids: Lru<string, V>

  constructor (max: number) {
    this.#ids = new Lru(max)
  }

  get (id: string): V | undefined {
    return this.#ids.peek(id)
  }

  has (id: string): boolean {
    return this.#ids.has(id)
  }

  add (id: string, value: V): void {
    if (!this.#ids.has(id)) this.#ids.set(id, value)
  }
}
