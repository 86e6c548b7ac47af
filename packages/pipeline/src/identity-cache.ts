import { identityFromParts } from '@pipes/identity'
import { Lru } from '@pipes/interface'
import { toHex } from './bytes.js'
import type { Identity } from '@pipes/identity'

/**
 * Verified author identities, keyed by key + name + name signature: the
 * name signature of an author is checked once, not once per entry. Bounded
 * (least recently used entries go first).
 */
export class IdentityCache {
  readonly #map: Lru<string, Promise<Identity | undefined>>

  constructor (max = 4096) {
    this.#map = new Lru(max)
  }

  /** Puts an identity we already trust (our own). */
  seed (identity: Identity): void {
    this.#map.set(this.#key(identity.publicKey, identity.name, identity.nameSignature), Promise.resolve(identity))
  }

  /** The verified identity, or undefined when the name signature does not verify. */
  async get (author: Uint8Array, name: string, nameSignature: Uint8Array): Promise<Identity | undefined> {
    const key = this.#key(author, name, nameSignature)
    let found = this.#map.get(key)
    if (found !== undefined) return await found
    found = identityFromParts(author, name, nameSignature).catch(() => undefined)
    this.#map.set(key, found)
    const identity = await found
    if (identity === undefined) this.#map.delete(key)
    return identity
  }

  #key (author: Uint8Array, name: string, nameSignature: Uint8Array): string {
    return `${toHex(author)}|${toHex(nameSignature)}|${name}`
  }
}
