import { describe } from './bytes.js'
import { assertMessage, assertPublicKey, assertSignature, nobleVerify } from './ed25519.js'
import { InvalidInputError } from './errors.js'
import { webCryptoEd25519Available, webCryptoVerify } from './webcrypto.js'

/**
 * Verifies an ed25519 signature (RFC 8032 under one strict rule: keys that
 * are not canonical, small-order or torsion-free, S ≥ L, and non-canonical
 * or small-order R are refused) with WebCrypto where the runtime has it and
 * noble otherwise; both give the same answers.
 *
 * Resolves `false` for any signature that does not verify, including one
 * made by another key or over other bytes, or a public key that is not a
 * curve point. It rejects only on an app mistake: wrong types or lengths.
 *
 * @throws {@link InvalidKeyError} when `publicKey` is not a 32-byte Uint8Array
 * @throws {@link InvalidSignatureInputError} when `message` is not a Uint8Array or `signature` is not a 64-byte Uint8Array
 */
export async function verify (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  assertPublicKey(publicKey)
  assertMessage(message)
  assertSignature(signature)
  if (await webCryptoEd25519Available()) return webCryptoVerify(publicKey, message, signature)
  return nobleVerify(publicKey, message, signature)
}

/**
 * Synchronous verification with noble (about a tenth of WebCrypto's rate in
 * Node): for code that cannot await. Same answers and errors as {@link verify}.
 */
export function verifySync (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  assertPublicKey(publicKey)
  assertMessage(message)
  assertSignature(signature)
  return nobleVerify(publicKey, message, signature)
}

/** One signature to check in {@link verifyBatch}. */
export interface VerifyItem {
  publicKey: Uint8Array
  message: Uint8Array
  signature: Uint8Array
}

/** Options of {@link verifyBatch}. */
export interface VerifyBatchOptions {
  /** How many WebCrypto verifications to keep in flight, 1 to 1024; default 64. */
  concurrency?: number
}

/** Default number of verifications {@link verifyBatch} keeps in flight. */
export const DEFAULT_VERIFY_CONCURRENCY = 64

/**
 * Verifies many signatures, keeping up to `concurrency` WebCrypto
 * verifications in flight (about twice the one-by-one rate in Node). Answers
 * come back in input order. Every item is checked for types and lengths
 * before any work starts, so a malformed item rejects the whole call: check
 * lengths when you decode untrusted input.
 *
 * @throws {@link InvalidInputError} when `items` is not an array or an item is not an object, or `concurrency` is out of range
 * @throws {@link InvalidKeyError} / {@link InvalidSignatureInputError} as {@link verify}, naming the item's index
 */
export async function verifyBatch (items: ReadonlyArray<VerifyItem>, opts?: VerifyBatchOptions): Promise<boolean[]> {
  if (!Array.isArray(items)) throw new InvalidInputError(`verifyBatch(items) needs an array of { publicKey, message, signature }, got ${describe(items)}`)
  if (opts !== undefined && (opts === null || typeof opts !== 'object' || Array.isArray(opts))) throw new InvalidInputError(`verifyBatch(items, opts) needs an options object, got ${describe(opts)}`)
  const concurrency = opts?.concurrency ?? DEFAULT_VERIFY_CONCURRENCY
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
    throw new InvalidInputError(`verifyBatch opts.concurrency must be an integer from 1 to 1024, got ${String(concurrency)}`)
  }
  const list = items as ReadonlyArray<unknown>
  list.forEach((item, i) => {
    if (item === null || typeof item !== 'object') throw new InvalidInputError(`verifyBatch items[${i}] must be an object { publicKey, message, signature }, got ${describe(item)}`)
    const { publicKey, message, signature } = item as Partial<VerifyItem>
    assertPublicKey(publicKey, `items[${i}].publicKey`)
    assertMessage(message, `items[${i}].message`)
    assertSignature(signature, `items[${i}].signature`)
  })
  const checked = items
  const results = new Array<boolean>(checked.length)
  if (!(await webCryptoEd25519Available())) {
    checked.forEach((it, i) => { results[i] = nobleVerify(it.publicKey, it.message, it.signature) })
    return results
  }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < checked.length) {
      const i = next++
      const it = checked[i] as VerifyItem
      results[i] = await webCryptoVerify(it.publicKey, it.message, it.signature)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, checked.length) }, worker))
  return results
}
