/** Small byte helpers used across the package (kept local: no dependency for these few). */

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lowercase hex of `bytes`. */
export function toHex (bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] as number] as string
  return out
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** One array holding every part in order. */
export function concat (...parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

const encoder = new TextEncoder()

/** UTF-8 bytes of a string. */
export function utf8 (text: string): Uint8Array {
  return encoder.encode(text)
}

/** The same bytes typed for the generated protobuf code (which wants a plain ArrayBuffer behind them). */
export function pb (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}

/**
 * `bytes` itself when it owns its whole buffer, else a copy: what outlives a
 * frame must not pin the frame. (Not `bytes.slice()`: on a Node `Buffer`,
 * which is what sockets hand over, `slice` is a view, not a copy.)
 */
export function ownBytes (bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes
  const copy = new Uint8Array(bytes.byteLength)
  copy.set(bytes)
  return copy
}
