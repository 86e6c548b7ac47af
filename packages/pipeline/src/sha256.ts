import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

type NativeHash = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Uint8Array

/**
 * Node's one-shot `crypto.hash`, reached without importing a Node built-in
 * (this package also runs in browsers): `process.getBuiltinModule` exists in
 * Node ≥ 20.16. About five times faster than noble for a 1 KiB entry.
 */
function nativeHash (): NativeHash | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  if (typeof proc?.getBuiltinModule !== 'function') return undefined
  try {
    const crypto = proc.getBuiltinModule('node:crypto') as { hash?: unknown } | undefined
    return typeof crypto?.hash === 'function' ? crypto.hash as NativeHash : undefined
  } catch {
    return undefined
  }
}

const native = nativeHash()

/** SHA-256 of `data` (Node's native hash where available, noble otherwise; same bytes). */
export function sha256 (data: Uint8Array): Uint8Array {
  if (native === undefined) return nobleSha256(data)
  const out = native('sha256', data, 'buffer')
  // a plain Uint8Array view: Buffer's slice() shares memory, Uint8Array's copies
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}
