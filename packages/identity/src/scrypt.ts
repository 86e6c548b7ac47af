import { scryptAsync } from '@noble/hashes/scrypt.js'
import { assertBytes, describe, utf8Encode } from './bytes.js'
import { InvalidInputError } from './errors.js'

/** scrypt cost parameters (RFC 7914). */
export interface ScryptParams {
  /** CPU/memory cost, a power of two from 2^14 to 2^20. */
  N: number
  /** Block size, 1 to 32. */
  r: number
  /** Parallelism, 1 to 16. */
  p: number
}

/**
 * What is wrong with an scrypt cost, or undefined when it is accepted: N a
 * power of two from 2^14 to 2^20, r 1 to 32, p 1 to 16, at most 256 MiB of
 * memory (N·r ≤ 2^21) and about four times the default work (N·r·p ≤ 2^22).
 * The one range key files and pipeline passphrases accept.
 */
export function scryptCostProblem (N: unknown, r: unknown, p: unknown): string | undefined {
  if (typeof N !== 'number' || !Number.isSafeInteger(N) || N < 2 ** 14 || N > 2 ** 20 || (N & (N - 1)) !== 0) return `N must be a power of two from 2^14 to 2^20, got ${String(N)}`
  if (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 1 || r > 32) return `r must be an integer from 1 to 32, got ${String(r)}`
  if (typeof p !== 'number' || !Number.isSafeInteger(p) || p < 1 || p > 16) return `p must be an integer from 1 to 16, got ${String(p)}`
  if (N * r > 2 ** 21) return 'N * r must be at most 2^21 (256 MiB of memory)'
  if (N * r * p > 2 ** 22) return 'N * r * p must be at most 2^22 (about four times the default work)'
  return undefined
}

/**
 * `dkLen` bytes (16 to 64) of scrypt over the UTF-8 of `passphrase`
 * (NFC-normalized, so the same text typed on two systems gives one key).
 * Callers with their own error type check the cost with
 * {@link scryptCostProblem} first.
 * @throws {@link InvalidInputError} for an empty passphrase, a salt that is not bytes, a cost out of range or a bad `dkLen`
 */
export async function scryptKey (passphrase: string, salt: Uint8Array, cost: ScryptParams, dkLen = 32): Promise<Uint8Array> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new InvalidInputError(`scryptKey(passphrase) must be a non-empty string, got ${describe(passphrase)}`)
  assertBytes(salt, 'scryptKey(salt)')
  if (cost === null || typeof cost !== 'object') throw new InvalidInputError(`scryptKey(cost) must be { N, r, p }, got ${describe(cost)}`)
  const { N, r, p } = cost
  const problem = scryptCostProblem(N, r, p)
  if (problem !== undefined) throw new InvalidInputError(`scryptKey(cost): ${problem}`)
  if (!Number.isSafeInteger(dkLen) || dkLen < 16 || dkLen > 64) throw new InvalidInputError(`scryptKey(dkLen) must be an integer from 16 to 64, got ${String(dkLen)}`)
  return await scryptAsync(utf8Encode(passphrase.normalize('NFC')), salt, { N, r, p, dkLen, maxmem: 128 * N * r * p + 128 * r * (p + 1) + 1024 * 1024 })
}
