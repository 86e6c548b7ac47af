import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { Lru } from '@pipes/interface'
import { bytesToHex, describe, isBytes } from './bytes.js'
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
 * Throws {@link InvalidKeyError} unless `value` is a key {@link verify}
 * accepts: a 32-byte canonical encoding of a point in the prime-order
 * subgroup, not the identity (see {@link publicKeyProblem}). Identities are
 * built only from such keys: a small-order key would let anyone forge
 * signatures that verify under it.
 */
export function assertIdentityPublicKey (value: unknown, what = 'publicKey'): asserts value is Uint8Array {
  assertPublicKey(value, what)
  const problem = publicKeyProblem(value)
  if (problem !== undefined) throw new InvalidKeyError(`${what} ${problem}; refuse this identity`)
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

// ---- the strict rule both verification paths apply -----------------------
//
// RFC 8032 leaves implementations free on points with a torsion component,
// and libraries differ (cofactored or cofactorless equation, small-order
// keys accepted or not): noble's strict mode is cofactored, WebCrypto
// (OpenSSL, BoringSSL) cofactorless. One rule for both, so no signature
// verifies in one runtime and fails in another:
//
// - A: canonical encoding (y < p, no negative zero), in the prime-order
//   subgroup (torsion-free) and not the identity;
// - R: canonical encoding and not of small order (WebCrypto compares R's
//   bytes with the canonical encoding it computes, so a non-canonical R
//   never verifies there);
// - S < L (no malleable second form);
// - the equation holds. With A torsion-free, the cofactorless equation
//   forces R torsion-free too, so the noble path also requires R
//   torsion-free and the two equations give the same answers.
//
// Honest keys and signatures (A = aB, R = rB) always pass.

/** Order of the prime-order subgroup. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n
/** How many public keys' checks are remembered: the torsion check costs a scalar multiplication. */
const KEY_CHECK_CACHE = 1024
const keyChecks = new Lru<string, string | null>(KEY_CHECK_CACHE)

function strictPoint (bytes: Uint8Array): ed.Point | undefined {
  try {
    return ed.Point.fromBytes(bytes, false)
  } catch {
    return undefined
  }
}

/**
 * Why `publicKey` (32 bytes) is refused as a verifying key, or undefined
 * when it is a canonical point of the prime-order subgroup other than the
 * identity. Remembered per key.
 */
export function publicKeyProblem (publicKey: Uint8Array): string | undefined {
  const id = bytesToHex(publicKey)
  const known = keyChecks.get(id)
  if (known !== undefined) return known ?? undefined
  const point = strictPoint(publicKey)
  const problem = point === undefined
    ? 'is not a canonical ed25519 point encoding'
    : point.isSmallOrder()
      ? 'is a small-order ed25519 point, which no honest key is'
      : !point.isTorsionFree()
          ? 'is an ed25519 point with a torsion component, which no honest key has'
          : undefined
  keyChecks.set(id, problem ?? null)
  return problem
}

/** The canonical encoding of the identity point (0, 1). */
const IDENTITY_POINT = new Uint8Array(32)
IDENTITY_POINT[0] = 1

/**
 * The checks of the strict rule that cost no point arithmetic, shared by
 * both paths: the key (remembered per key), S < L, and R not the identity
 * (with A torsion-free and the equation holding, R lies in the prime-order
 * subgroup, where the identity is the only point of small order).
 */
export function strictInputs (publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKeyProblem(publicKey) !== undefined) return false
  let s = 0n
  for (let i = SIGNATURE_BYTES - 1; i >= 32; i--) s = (s << 8n) | BigInt(signature[i] as number)
  if (s >= L) return false
  for (let i = 0; i < 32; i++) if (signature[i] !== IDENTITY_POINT[i]) return true
  return false
}

/**
 * noble's verification under the strict rule above: noble's RFC 8032 mode
 * (`zip215: false`: canonical encodings, S < L, small-order keys refused,
 * cofactored equation) plus the key and R torsion-free, which makes its
 * answers those of WebCrypto's cofactorless equation.
 * Never throws on a malformed key or signature: returns false.
 */
export function nobleVerify (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!strictInputs(publicKey, signature)) return false
  try {
    // noble decoded R strictly in verify, so this decode succeeds
    return ed.verify(signature, message, publicKey, { zip215: false }) && ed.Point.fromBytes(signature.subarray(0, 32), false).isTorsionFree()
  } catch {
    return false
  }
}
