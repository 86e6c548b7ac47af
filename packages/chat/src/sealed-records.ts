import { aeadOpen, aeadSeal, hkdf, utf8Decode, utf8Encode } from '@pipes/identity'
import type { LocalIdentity } from '@pipes/identity'

const INFO = 'pipes/chat/records/v1'

/**
 * The chat's records at rest (search index, state cache): JSON sealed with XChaCha20-Poly1305
 * under a key derived (HKDF-SHA256) from the local identity's secret key,
 * bound to the record's key (as associated data), so a record cannot be
 * read without the identity, nor moved to another key unnoticed.
 */
export class SealedRecords {
  readonly #key: Uint8Array

  constructor (identity: LocalIdentity, scope: string) {
    this.#key = hkdf(identity.secretKey, { info: INFO, salt: utf8Encode(scope) })
  }

  seal (key: string, value: unknown): Uint8Array {
    return aeadSeal(this.#key, utf8Encode(JSON.stringify(value)), utf8Encode(key))
  }

  /** The value sealed under `key`; throws when it does not open or parse (a damaged record). */
  open (key: string, sealed: Uint8Array): unknown {
    return JSON.parse(utf8Decode(aeadOpen(this.#key, sealed, utf8Encode(key))))
  }
}
