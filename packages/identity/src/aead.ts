import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { assertBytes, concatBytes, randomBytes } from './bytes.js'
import { DecryptionFailedError } from './errors.js'

/** Key length of {@link aeadSeal}/{@link aeadOpen}: 32 bytes. */
export const AEAD_KEY_BYTES = 32
/** Nonce length of XChaCha20-Poly1305, written in front of every sealed message: 24 bytes. */
export const AEAD_NONCE_BYTES = 24
/** Authentication tag length, at the end of every sealed message: 16 bytes. */
export const AEAD_TAG_BYTES = 16
/** Bytes {@link aeadSeal} adds to a plaintext: nonce and tag, 40 bytes. */
export const AEAD_OVERHEAD_BYTES = AEAD_NONCE_BYTES + AEAD_TAG_BYTES

const EMPTY = new Uint8Array(0)

/**
 * Encrypts and authenticates `plaintext` with XChaCha20-Poly1305 under a
 * 32-byte key and a fresh random 24-byte nonce. Returns `nonce || ciphertext || tag`.
 * `aad` (associated data) is authenticated but not included: pass the same
 * bytes to {@link aeadOpen}. Random nonces are safe with XChaCha's 192-bit nonce.
 * @throws {@link InvalidInputError} on a wrong type or a key that is not 32 bytes
 */
export function aeadSeal (key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  assertBytes(key, 'aeadSeal(key)', AEAD_KEY_BYTES)
  assertBytes(plaintext, 'aeadSeal(plaintext)')
  if (aad !== undefined) assertBytes(aad, 'aeadSeal(aad)')
  const nonce = randomBytes(AEAD_NONCE_BYTES)
  return concatBytes(nonce, xchacha20poly1305(key, nonce, aad ?? EMPTY).encrypt(plaintext))
}

/**
 * Opens what {@link aeadSeal} produced.
 * @throws {@link DecryptionFailedError} when authentication fails (wrong key or aad, altered or truncated input)
 * @throws {@link InvalidInputError} on a wrong type or a key that is not 32 bytes
 */
export function aeadOpen (key: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  assertBytes(key, 'aeadOpen(key)', AEAD_KEY_BYTES)
  assertBytes(sealed, 'aeadOpen(sealed)')
  if (aad !== undefined) assertBytes(aad, 'aeadOpen(aad)')
  if (sealed.length < AEAD_OVERHEAD_BYTES) {
    throw new DecryptionFailedError(`sealed data is ${sealed.length} bytes, shorter than the ${AEAD_OVERHEAD_BYTES}-byte nonce and tag: it was truncated; ask the sender again`)
  }
  const nonce = sealed.subarray(0, AEAD_NONCE_BYTES)
  try {
    return xchacha20poly1305(key, nonce, aad ?? EMPTY).decrypt(sealed.subarray(AEAD_NONCE_BYTES))
  } catch (err) {
    throw new DecryptionFailedError('decryption failed: the key or associated data is wrong, or the data was altered; check which key you used', { cause: err })
  }
}
