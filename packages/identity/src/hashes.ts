import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js'
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js'
import { assertBytes, describe, utf8Encode } from './bytes.js'
import { InvalidInputError } from './errors.js'

/**
 * SHA-256 digest (32 bytes) of `bytes`.
 * @throws {@link InvalidInputError} when `bytes` is not a Uint8Array
 */
export function sha256 (bytes: Uint8Array): Uint8Array {
  assertBytes(bytes, 'sha256(bytes)')
  return nobleSha256(bytes)
}

/**
 * SHA-512 digest (64 bytes) of `bytes`.
 * @throws {@link InvalidInputError} when `bytes` is not a Uint8Array
 */
export function sha512 (bytes: Uint8Array): Uint8Array {
  assertBytes(bytes, 'sha512(bytes)')
  return nobleSha512(bytes)
}

/** Options of {@link hkdf}. */
export interface HkdfOptions {
  /** Context string or bytes that separates this use of the key from every other (required: always say what the key is for). */
  info: string | Uint8Array
  /** Optional salt; public values that bind the key to a session (e.g. both public keys) belong here. */
  salt?: Uint8Array
  /** Output length in bytes, 1 to 8160; default 32. */
  length?: number
}

/**
 * HKDF-SHA256 (RFC 5869): derives `length` bytes of key material from input
 * keying material such as an X25519 shared secret.
 * @throws {@link InvalidInputError} on a wrong type or a length out of range
 */
export function hkdf (ikm: Uint8Array, opts: HkdfOptions): Uint8Array {
  assertBytes(ikm, 'hkdf(ikm)')
  if (opts === null || typeof opts !== 'object') throw new InvalidInputError(`hkdf(ikm, opts) needs an options object { info, salt?, length? }, got ${describe(opts)}`)
  const info = typeof opts.info === 'string' ? utf8Encode(opts.info) : opts.info
  assertBytes(info, 'hkdf opts.info (a string or Uint8Array)')
  if (opts.salt !== undefined) assertBytes(opts.salt, 'hkdf opts.salt')
  const length = opts.length ?? 32
  if (!Number.isSafeInteger(length) || length < 1 || length > 255 * 32) {
    throw new InvalidInputError(`hkdf opts.length must be an integer from 1 to 8160, got ${String(length)}`)
  }
  return nobleHkdf(nobleSha256, ikm, opts.salt, info, length)
}
