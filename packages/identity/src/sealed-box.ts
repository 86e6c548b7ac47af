import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { assertBytes, concatBytes, describe } from './bytes.js'
import { assertPublicKey } from './ed25519.js'
import { InvalidInputError, KeyAgreementError, SealedBoxInvalidError } from './errors.js'
import { hkdf } from './hashes.js'
import { edPublicToX25519, edSecretToX25519, x25519Keygen, x25519SharedSecret, X25519_KEY_BYTES } from './x25519.js'

/**
 * Sealed box layout, version 1:
 *
 *   offset 0   1 byte    version (0x01)
 *   offset 1   32 bytes  ephemeral X25519 public key
 *   offset 33  n+16      XChaCha20-Poly1305 ciphertext and tag
 *
 * key (32) || nonce (24) = HKDF-SHA256(ikm = X25519(ephemeral, recipient),
 *   salt = ephemeral public || recipient ed25519 public, info = SEALED_BOX_INFO).
 * The header (version and ephemeral key) is the associated data. The nonce
 * can be derived because every box has a fresh ephemeral key, hence a fresh key.
 */
export const SEALED_BOX_VERSION = 1
/** Bytes a sealed box adds to its plaintext: version, ephemeral key and tag (49). */
export const SEALED_BOX_OVERHEAD_BYTES = 1 + X25519_KEY_BYTES + 16
const SEALED_BOX_INFO = 'pipes/identity/sealed-box/v1'
const HEADER_BYTES = 1 + X25519_KEY_BYTES

function boxCipher (shared: Uint8Array, ephemeralPublic: Uint8Array, recipientPublicKey: Uint8Array, header: Uint8Array): ReturnType<typeof xchacha20poly1305> {
  const okm = hkdf(shared, { info: SEALED_BOX_INFO, salt: concatBytes(ephemeralPublic, recipientPublicKey), length: 56 })
  return xchacha20poly1305(okm.subarray(0, 32), okm.subarray(32, 56), header)
}

/** The ed25519 public key of anything shaped like an Identity, checked. */
export function recipientKey (recipient: unknown, what: string): Uint8Array {
  if (recipient === null || typeof recipient !== 'object') {
    throw new InvalidInputError(`${what} must be an Identity (with a 32-byte publicKey), got ${describe(recipient)}`)
  }
  const publicKey = (recipient as { publicKey?: unknown }).publicKey
  assertPublicKey(publicKey, `${what}.publicKey`)
  return publicKey
}

/**
 * Encrypts `plaintext` so that only `recipient` can read it
 * (`recipientLocalIdentity.open(sealed)`), with a fresh ephemeral X25519 key:
 * the box does not say who sealed it. Sign the plaintext first if the
 * recipient must know the sender.
 * @throws {@link InvalidInputError} when `recipient` is not an Identity or `plaintext` not a Uint8Array
 * @throws {@link InvalidKeyError} when the recipient's public key is unusable
 */
export function sealTo (recipient: { readonly publicKey: Uint8Array }, plaintext: Uint8Array): Uint8Array {
  const recipientPublicKey = recipientKey(recipient, 'sealTo(recipient)')
  assertBytes(plaintext, 'sealTo(plaintext)')
  const recipientX = edPublicToX25519(recipientPublicKey)
  const ephemeral = x25519Keygen()
  const shared = x25519SharedSecret(ephemeral.secretKey, recipientX)
  const header = concatBytes(new Uint8Array([SEALED_BOX_VERSION]), ephemeral.publicKey)
  return concatBytes(header, boxCipher(shared, ephemeral.publicKey, recipientPublicKey, header).encrypt(plaintext))
}

/**
 * Opens a sealed box addressed to the identity with this secret key.
 * @throws {@link SealedBoxInvalidError} when the box is truncated, of another version, for another identity, or altered
 */
export function openSealed (secretKey: Uint8Array, publicKey: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (!(sealed instanceof Uint8Array)) throw new InvalidInputError(`open(sealed) needs a Uint8Array, got ${describe(sealed)}`)
  if (sealed.length < SEALED_BOX_OVERHEAD_BYTES) {
    throw new SealedBoxInvalidError(`sealed box is ${sealed.length} bytes, shorter than its ${SEALED_BOX_OVERHEAD_BYTES}-byte minimum: it was truncated; ask the sender again`)
  }
  if (sealed[0] !== SEALED_BOX_VERSION) {
    throw new SealedBoxInvalidError(`sealed box has version ${String(sealed[0])}, this library opens version ${SEALED_BOX_VERSION}; upgrade @pipes/identity or ask the sender for version ${SEALED_BOX_VERSION}`)
  }
  const header = sealed.subarray(0, HEADER_BYTES)
  const ephemeralPublic = sealed.subarray(1, HEADER_BYTES)
  let shared: Uint8Array
  try {
    shared = x25519SharedSecret(edSecretToX25519(secretKey), ephemeralPublic)
  } catch (err) {
    if (err instanceof KeyAgreementError) throw new SealedBoxInvalidError('sealed box carries an unusable ephemeral key: it was forged or altered; drop it', { cause: err })
    throw err
  }
  try {
    return boxCipher(shared, ephemeralPublic, publicKey, header).decrypt(sealed.subarray(HEADER_BYTES))
  } catch (err) {
    throw new SealedBoxInvalidError('sealed box did not open: it is addressed to another identity or was altered; drop it', { cause: err })
  }
}
