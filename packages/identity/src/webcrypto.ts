import { bytesToHex, concatBytes, hexToBytes } from './bytes.js'
import { strictInputs } from './ed25519.js'
import { Lru } from '@pipes/interface'

// WebCrypto Ed25519 ("Ed25519" in Node 20+, Chrome 137+, Firefox 129+, Safari 17+).
// Support is detected once, lazily, by verifying RFC 8032 test 1 and a tampered
// copy of it: a runtime that knows the algorithm but answers wrongly counts as
// not supporting it.

const ALG = { name: 'Ed25519' } as const
const PROBE_KEY = hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
const PROBE_SIG = hexToBytes('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b')
// PKCS#8 wrapping of a 32-byte Ed25519 seed (RFC 8410): a fixed 16-byte header.
const PKCS8_PREFIX = hexToBytes('302e020100300506032b657004220420')

/** How many imported public keys are kept: importing costs about as much as a verification. */
export const KEY_CACHE_SIZE = 256

type Buf = Uint8Array<ArrayBuffer>
const buf = (bytes: Uint8Array): Buf => bytes as Buf

let support: Promise<boolean> | undefined
const keyCache = new Lru<string, Promise<CryptoKey>>(KEY_CACHE_SIZE)

function subtle (): SubtleCrypto | undefined {
  return globalThis.crypto?.subtle
}

async function detect (): Promise<boolean> {
  const s = subtle()
  if (s === undefined) return false
  try {
    const key = await s.importKey('raw', buf(PROBE_KEY), ALG, false, ['verify'])
    const good = await s.verify(ALG, key, buf(PROBE_SIG), new Uint8Array(0))
    const tampered = PROBE_SIG.slice()
    tampered[0] = (tampered[0] as number) ^ 1
    const bad = await s.verify(ALG, key, buf(tampered), new Uint8Array(0))
    return good && !bad
  } catch {
    return false
  }
}

/**
 * Whether this runtime verifies and signs ed25519 with WebCrypto. Detected
 * on the first call and remembered; `verify` uses noble when this is false.
 */
export function webCryptoEd25519Available (): Promise<boolean> {
  support ??= detect()
  return support
}

function importPublicKey (publicKey: Uint8Array): Promise<CryptoKey> {
  const id = bytesToHex(publicKey)
  let key = keyCache.get(id)
  if (key === undefined) {
    key = (subtle() as SubtleCrypto).importKey('raw', buf(publicKey.slice()), ALG, false, ['verify'])
    keyCache.set(id, key)
    key.catch(() => { keyCache.delete(id) })
  }
  return key
}

/** Number of imported public keys currently cached (for tests and diagnostics). */
export function webCryptoKeyCacheSize (): number {
  return keyCache.size
}

/**
 * Verifies with WebCrypto under the strict rule of `ed25519.ts` (its key,
 * R and S checks first, then WebCrypto's cofactorless equation), so it
 * answers as `nobleVerify` does. Inputs must already be checked (32-byte
 * key, 64-byte signature). A key WebCrypto refuses to import verifies
 * nothing: false. Only call when {@link webCryptoEd25519Available} resolved true.
 */
export async function webCryptoVerify (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!strictInputs(publicKey, signature)) return false
  let key: CryptoKey
  try {
    key = await importPublicKey(publicKey)
  } catch {
    return false
  }
  try {
    return await (subtle() as SubtleCrypto).verify(ALG, key, buf(signature), buf(message))
  } catch {
    return false
  }
}

/** Imports a 32-byte seed as a non-extractable WebCrypto signing key. */
export function webCryptoSigningKey (secretKey: Uint8Array): Promise<CryptoKey> {
  return (subtle() as SubtleCrypto).importKey('pkcs8', buf(concatBytes(PKCS8_PREFIX, secretKey)), ALG, false, ['sign'])
}

/** Signs with an imported WebCrypto key (same bytes as noble: ed25519 is deterministic). */
export async function webCryptoSign (key: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await (subtle() as SubtleCrypto).sign(ALG, key, buf(message)))
}
