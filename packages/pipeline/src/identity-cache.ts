import { identityFromParts } from '@pipes/identity'
import { toHex } from './bytes.js'
import type { Identity } from '@pipes/identity'

/**
 * Verified author identities, keyed by key + name + name signature: the
 * name signature of an author is checked once, not once per entry. Bounded
 * (least recently used entries go first).
 */
export class IdentityCache {
  readonly #max: number
  readonly #map = new Map<string, Promise<Identity | undefined>>()

  constructor (max = 4096) {
    this.#max = max
  }

  /** Puts an identity we already trust (our own). */
  seed (identity: Identity): void {
    this.#map.set(this.#key(identity.publicKey, identity.name, identity.nameSignature), Promise.resolve(identity))
  }

  /** The verified identity, or undefined when the name signature does not verify. */
  async get (author: Uint8Array, name: string, nameSignature: Uint8Array): Promise<Identity | undefined> {
    const key = this.#key(author, name, nameSignature)
    let found = this.#map.get(key)
    if (found !== undefined) {
      this.#map.delete(key)
      this.#map.set(key, found)
      return await found
    }
    found = identityFromParts(author, name, nameSignature).catch(() => undefined)
    this.#map.set(key, found)
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next().value
      if (oldest !== undefined) this.#map.delete(oldest)
    }
    const identity = await found
    if (identity === undefined) this.#map.delete(key)
    return identity
  }

  #key (author: Uint8Array, name: string, nameSignature: Uint8Array): string {
    return `${toHex(author)}|${toHex(nameSignature)}|${name}`
  }
}
