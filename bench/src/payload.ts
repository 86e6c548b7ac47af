/**
 * Benchmark payloads: a kind byte, a 32-bit sequence number and filler, so
 * every packet is distinct (gossipsub's unsigned message id is a hash of the
 * data) and every receiver can tell which packet it got.
 */

/** Warm-up packets are sent until every receiver has seen one; they are not measured. */
export const WARMUP = 0
/** Measured packets. */
export const MEASURED = 1

const FILLER = new Uint8Array(64 * 1024).map((_v, i) => (i * 131 + 7) & 0xff)

/** A `size`-byte payload of the given kind carrying `seq` (size ≥ 5). */
export function makePayload (kind: number, seq: number, size: number): Uint8Array {
  const out = new Uint8Array(size)
  out.set(FILLER.subarray(0, Math.max(0, size - 5)), 5)
  out[0] = kind
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(1, seq >>> 0)
  return out
}

/** Reads back the kind and sequence number of a payload made by `makePayload`. */
export function readPayload (data: Uint8Array): { kind: number, seq: number } {
  if (data.byteLength < 5) return { kind: -1, seq: -1 }
  return { kind: data[0] as number, seq: new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1) }
}
