/**
 * The byte helpers of the package: hex, comparison, concatenation and UTF-8
 * are `@pipes/identity`'s (one implementation in the tree), under the short
 * names the pipeline code uses; the two below are the pipeline's own.
 */
export { bytesToHex as toHex, concatBytes as concat, equalBytes as sameBytes, utf8Encode as utf8 } from '@pipes/identity'

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
