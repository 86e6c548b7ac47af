import { InvalidInputError } from './errors.js'

/** True when `value` is a Uint8Array (a Node `Buffer` counts: it is one). */
export function isBytes (value: unknown): value is Uint8Array {
  return value instanceof Uint8Array
}

/** Short description of a value for error messages, never its content. */
export function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Uint8Array) return `a Uint8Array of ${value.length} bytes`
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** Throws an {@link InvalidInputError} unless `value` is a Uint8Array (of `length` bytes, when given). */
export function assertBytes (value: unknown, what: string, length?: number): asserts value is Uint8Array {
  if (!isBytes(value)) {
    throw new InvalidInputError(`${what} must be a Uint8Array, got ${describe(value)}`)
  }
  if (length !== undefined && value.length !== length) {
    throw new InvalidInputError(`${what} must be ${length} bytes, got ${value.length}`)
  }
}

/**
 * Lowercase hex of `bytes`.
 * @throws {@link InvalidInputError} when `bytes` is not a Uint8Array
 */
export function bytesToHex (bytes: Uint8Array): string {
  assertBytes(bytes, 'bytesToHex(bytes)')
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX_OF[bytes[i] as number] as string
  return out
}

// a table, not toString(16) per byte: entry ids are hexed on the hot path of every put and receipt
const HEX_OF: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

const HEX = /^(?:[0-9a-fA-F]{2})*$/

/**
 * Bytes of a hex string (either case, even length, no prefix).
 * @throws {@link InvalidInputError} when `hex` is not a string of hex pairs
 */
export function hexToBytes (hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new InvalidInputError(`hexToBytes(hex) must be a string, got ${describe(hex)}`)
  if (!HEX.test(hex)) throw new InvalidInputError('hexToBytes(hex) needs an even number of hex digits (0-9, a-f) and nothing else')
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/**
 * Compares two byte arrays in time that depends only on their lengths, not
 * on where they differ: safe for comparing MACs and secrets.
 * @throws {@link InvalidInputError} when either argument is not a Uint8Array
 */
export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, 'equalBytes(a)')
  assertBytes(b, 'equalBytes(b)')
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

/**
 * One new Uint8Array holding every argument in order.
 * @throws {@link InvalidInputError} when an argument is not a Uint8Array
 */
export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  let total = 0
  parts.forEach((p, i) => { assertBytes(p, `concatBytes(#${i})`); total += p.length })
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * UTF-8 bytes of a string.
 * @throws {@link InvalidInputError} when `text` is not a string
 */
export function utf8Encode (text: string): Uint8Array {
  if (typeof text !== 'string') throw new InvalidInputError(`utf8Encode(text) must be a string, got ${describe(text)}`)
  return encoder.encode(text)
}

/**
 * The string encoded by UTF-8 `bytes`; invalid UTF-8 is an error, never replaced silently.
 * @throws {@link InvalidInputError} when `bytes` is not a Uint8Array or not valid UTF-8
 */
export function utf8Decode (bytes: Uint8Array): string {
  assertBytes(bytes, 'utf8Decode(bytes)')
  try {
    return decoder.decode(bytes)
  } catch (err) {
    throw new InvalidInputError('utf8Decode(bytes) was given bytes that are not valid UTF-8', { cause: err })
  }
}

/**
 * `n` bytes from the platform's cryptographically secure random source
 * (`crypto.getRandomValues`, in Node and browsers).
 * @throws {@link InvalidInputError} when `n` is not an integer from 0 to 65536
 */
export function randomBytes (n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > 65536) {
    throw new InvalidInputError(`randomBytes(n) needs an integer from 0 to 65536, got ${typeof n === 'number' ? n : describe(n)}`)
  }
  const out = new Uint8Array(n)
  globalThis.crypto.getRandomValues(out)
  return out
}
