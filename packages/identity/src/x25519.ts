import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { assertBytes } from './bytes.js'
import { assertPublicKey, assertSecretKey } from './ed25519.js'
import { InvalidKeyError, KeyAgreementError } from './errors.js'

/** Length of X25519 public keys, secret keys and shared secrets: 32 bytes. */
export const X25519_KEY_BYTES = 32

/**
 * The X25519 public key of an ed25519 public key (the birational map from
 * Edwards to Montgomery form), so an identity can receive sealed boxes and
 * agree keys with no second key pair.
 * @throws {@link InvalidKeyError} when `publicKey` is not a 32-byte ed25519 point
 */
export function edPublicToX25519 (publicKey: Uint8Array): Uint8Array {
  assertPublicKey(publicKey)
  try {
    return ed25519.utils.toMontgomery(publicKey)
  } catch (err) {
    throw new InvalidKeyError('publicKey is not a valid ed25519 public key, so it has no X25519 form; check where the bytes came from', { cause: err })
  }
}

/**
 * The X25519 secret key of an ed25519 secret key (seed): the clamped scalar
 * ed25519 itself derives from the seed, so it matches {@link edPublicToX25519}.
 * @throws {@link InvalidKeyError} when `secretKey` is not a 32-byte Uint8Array
 */
export function edSecretToX25519 (secretKey: Uint8Array): Uint8Array {
  assertSecretKey(secretKey)
  return ed25519.utils.toMontgomerySecret(secretKey)
}

/**
 * The X25519 public key of an X25519 secret key (RFC 7748).
 * @throws {@link InvalidKeyError} when `secretKey` is not 32 bytes
 */
export function x25519PublicKey (secretKey: Uint8Array): Uint8Array {
  assertSecretKey(secretKey, 'x25519 secretKey')
  return x25519.getPublicKey(secretKey)
}

/** A fresh random X25519 key pair (for ephemeral keys). */
export function x25519Keygen (): { secretKey: Uint8Array, publicKey: Uint8Array } {
  const secretKey = x25519.utils.randomSecretKey()
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) }
}

/**
 * The raw X25519 shared secret (RFC 7748) of our secret key and a peer's
 * public key. Never use it as a key directly: run it through {@link hkdf}
 * with both public keys and a context string.
 * @throws {@link InvalidKeyError} when a key is not a 32-byte Uint8Array
 * @throws {@link KeyAgreementError} when the peer key is of small order (the result would be all zeros)
 */
export function x25519SharedSecret (secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  assertSecretKey(secretKey, 'x25519 secretKey')
  if (!(peerPublicKey instanceof Uint8Array) || peerPublicKey.length !== X25519_KEY_BYTES) {
    assertBytes(peerPublicKey, 'x25519 peerPublicKey')
    throw new InvalidKeyError(`x25519 peerPublicKey must be ${X25519_KEY_BYTES} bytes, got ${peerPublicKey.length}`)
  }
  try {
    return x25519.getSharedSecret(secretKey, peerPublicKey)
  } catch (err) {
    throw new KeyAgreementError('X25519 agreement gave no usable secret: the peer key is of small order, which no honest peer sends; drop it', { cause: err })
  }
}
