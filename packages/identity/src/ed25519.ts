import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { describe, isBytes } from './bytes.js'
import { InvalidKeyError, InvalidSignatureInputError } from './errors.js'

// noble's synchronous API needs a SHA-512 implementation wired in once.
ed.hashes.sha512 = sha512

/** Length of an ed25519 public key: 32 bytes. */
export const PUBLIC_KEY_BYTES = 32
/** Length of an ed25519 secret key (the RFC 8032 seed): 32 bytes. */
export const SECRET_KEY_BYTES = 32
/** Length of an ed25519 signature: 64 bytes. */
export const SIGNATURE_BYTES = 64

function keyProblem (value: unknown, what: string, length: number): string | undefined {
  if (!isBytes(value)) return `${what} must be a Uint8Array of ${length} bytes, got ${describe(value)}`
  if (value.length !== length) return `${what} must be ${length} bytes, got ${value.length}`
  return undefined
}

/** Throws {@link InvalidKeyError} unless `value` is a 32-byte Uint8Array. */
export function assertSecretKey (value: unknown, what = 'secretKey'): asserts value is Uint8Array {
  const problem = keyProblem(value, what, SECRET_KEY_BYTES)
  if (problem !== undefined) throw new InvalidKeyError(`${problem}; pass the 32-byte ed25519 seed (LocalIdentity.secretKey)`)
}

/** Throws {@link InvalidKeyError} unless `value` is a 32-byte Uint8Array (the encoding is not checked: fast). */
export function assertPublicKey (value: unknown, what = 'publicKey'): asserts value is Uint8Array {
  const problem = keyProblem(value, what, PUBLIC_KEY_BYTES)
  if (problem !== undefined) throw new InvalidKeyError(`${problem}; pass a 32-byte ed25519 public key (Identity.publicKey)`)
}

/**
 * Throws {@link InvalidKeyError} unless `value` is a 32-byte canonical
 * encoding of an ed25519 point that is not of small order. Identities are
 * built only from such keys: a small-order key would let anyone forge
 * signatures that verify under it.
 */
export function assertIdentityPublicKey (value: unknown, what = 'publicKey'): asserts value is Uint8Array {
  assertPublicKey(value, what)
  let point: ed.Point
  try {
    point = ed.Point.fromBytes(value, false)
  } catch (err) {
    throw new InvalidKeyError(`${what} is not a valid ed25519 public key (it does not decode to a curve point); check where the bytes came from`, { cause: err })
  }
  if (point.isSmallOrder()) throw new InvalidKeyError(`${what} is a small-order ed25519 point, which no honest key is; refuse this identity`)
}

/** Throws {@link InvalidSignatureInputError} unless `value` is a Uint8Array. */
export function assertMessage (value: unknown, what = 'message'): asserts value is Uint8Array {
  if (!isBytes(value)) throw new InvalidSignatureInputError(`${what} must be a Uint8Array, got ${describe(value)}; encode text with utf8Encode first`)
}

/** Throws {@link InvalidSignatureInputError} unless `value` is a 64-byte Uint8Array. */
export function assertSignature (value: unknown, what = 'signature'): asserts value is Uint8Array {
  if (!isBytes(value) || value.length !== SIGNATURE_BYTES) {
    throw new InvalidSignatureInputError(`${what} must be a Uint8Array of ${SIGNATURE_BYTES} bytes, got ${describe(value)}; an ed25519 signature is always 64 bytes, so check how it was decoded`)
  }
}

/** The ed25519 public key of a 32-byte seed. */
export function publicKeyOf (secretKey: Uint8Array): Uint8Array {
  return ed.getPublicKey(secretKey)
}

/** RFC 8032 signature of `message` by `secretKey`, computed by noble (synchronous). */
export function nobleSign (message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed.sign(message, secretKey)
}

/**
 * noble's verification in its strict RFC 8032 mode (`zip215: false`), which
 * is what WebCrypto implements, so both paths give the same answers.
 * Never throws on a malformed key or signature: returns false.
 */
export function nobleVerify (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return ed.verify(signature, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}
