import { concatBytes, utf8Encode } from '@pipes/identity'

/**
 * Unambiguous bytes of a list of fields for key derivation and associated
 * data: a domain string, then each field as a 4-byte big-endian length and
 * its bytes (strings as UTF-8, numbers as 8-byte big-endian). No two
 * different field lists give the same bytes.
 */
export function contextBytes (domain: string, ...fields: Array<string | number | Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [lengthPrefixed(utf8Encode(domain))]
  for (const f of fields) {
    if (typeof f === 'string') parts.push(lengthPrefixed(utf8Encode(f)))
    else if (typeof f === 'number') parts.push(lengthPrefixed(u64(f)))
    else parts.push(lengthPrefixed(f))
  }
  return concatBytes(...parts)
}

function lengthPrefixed (bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length)
  new DataView(out.buffer).setUint32(0, bytes.length)
  out.set(bytes, 4)
  return out
}

function u64 (n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`context number must be a non-negative safe integer, got ${n}`)
  const out = new Uint8Array(8)
  const view = new DataView(out.buffer)
  view.setUint32(0, Math.floor(n / 2 ** 32))
  view.setUint32(4, n >>> 0)
  return out
}
