import { aeadOpen, aeadSeal } from './aead.js'
import { bytesToHex, concatBytes, describe, equalBytes, hexToBytes, randomBytes, utf8Encode } from './bytes.js'
import { PipesError } from '@pipes/interface'
import { DecryptionFailedError, InvalidInputError, KeyFileCorruptError, KeyFileNotSealedError, PassphraseRequiredError, WrongPassphraseError } from './errors.js'
import { assertLocalIdentity, localIdentityFromSecretKey, type LocalIdentity } from './identity.js'
import { scryptCostProblem, scryptKey, type ScryptParams } from './scrypt.js'

/** Version written in every key file; files of other versions are refused. */
export const KEY_FILE_VERSION = 1
const KIND = 'pipes-identity-key'
const AAD_DOMAIN = 'pipes/identity/key-file/v1'
const SALT_BYTES = 16

/**
 * Default scrypt cost for sealed key files: N = 2^17, r = 8, p = 1 (128 MiB,
 * about 0.65 s in Node 20 on this project's reference machine).
 */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 })

/** Options of {@link exportKeyFile}. */
export interface ExportKeyFileOptions {
  /** Seal the secret key with this passphrase (non-empty; normalized to Unicode NFC). */
  passphrase?: string
  /** scrypt cost; defaults to {@link DEFAULT_SCRYPT}. Recorded in the file. */
  scrypt?: Partial<ScryptParams>
}

/** Options of {@link importKeyFile}. */
export interface ImportKeyFileOptions {
  /** Passphrase of a sealed key file; given for an unsealed file, the import is refused ({@link KeyFileNotSealedError}). */
  passphrase?: string
}

/** The JSON of a key file, version 1. Byte fields are lowercase hex. */
export interface KeyFileJSON {
  version: 1
  kind: 'pipes-identity-key'
  id: string
  name: string
  publicKey: string
  nameSignature: string
  /** The 32-byte seed, present only in an unsealed file. */
  secretKey?: string
  /** The seed sealed with a passphrase, present only in a sealed file. */
  sealed?: {
    kdf: 'scrypt'
    N: number
    r: number
    p: number
    salt: string
    cipher: 'xchacha20-poly1305'
    /** nonce (24) || ciphertext || tag (16) of the seed, as `aeadSeal` writes it. */
    box: string
  }
}

function checkPassphrase (passphrase: unknown, what: string): string {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new InvalidInputError(`${what} must be a non-empty string, got ${describe(passphrase)}`)
  }
  return passphrase.normalize('NFC')
}

function checkOptions (opts: unknown, what: string): Record<string, unknown> {
  if (opts === undefined) return {}
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw new InvalidInputError(`${what} options must be an object, got ${describe(opts)}`)
  return opts as Record<string, unknown>
}

const aadFor = (publicKey: Uint8Array): Uint8Array => concatBytes(utf8Encode(AAD_DOMAIN), publicKey)

/**
 * The key file text (JSON, with a `version` field) of a local identity,
 * sealed with `passphrase` when one is given (scrypt + XChaCha20-Poly1305;
 * the scrypt parameters are recorded in the file). Without a passphrase the
 * secret key is in the clear: protect the file (saveKeyFile writes it 0600).
 * @throws {@link InvalidInputError} / {@link InvalidKeyError} / {@link InvalidNameError} when `identity` or the options are not usable
 */
export async function exportKeyFile (identity: LocalIdentity, opts?: ExportKeyFileOptions): Promise<string> {
  assertLocalIdentity(identity, 'exportKeyFile(identity)')
  const options = checkOptions(opts, 'exportKeyFile')
  const local = localIdentityFromSecretKey(identity.secretKey, identity.name)
  const publicKey = local.publicKey
  const file: KeyFileJSON = {
    version: KEY_FILE_VERSION,
    kind: KIND,
    id: local.id,
    name: local.name,
    publicKey: bytesToHex(publicKey),
    nameSignature: bytesToHex(local.nameSignature)
  }
  if (options.passphrase === undefined) {
    file.secretKey = bytesToHex(local.secretKey)
  } else {
    const passphrase = checkPassphrase(options.passphrase, 'exportKeyFile opts.passphrase')
    const custom = checkOptions(options.scrypt, 'exportKeyFile opts.scrypt')
    const params: ScryptParams = { ...DEFAULT_SCRYPT, ...custom } as ScryptParams
    const problem = scryptCostProblem(params.N, params.r, params.p)
    if (problem !== undefined) throw new InvalidInputError(`exportKeyFile opts.scrypt: ${problem}`)
    const salt = randomBytes(SALT_BYTES)
    const key = await scryptKey(passphrase, salt, params)
    file.sealed = {
      kdf: 'scrypt',
      N: params.N,
      r: params.r,
      p: params.p,
      salt: bytesToHex(salt),
      cipher: 'xchacha20-poly1305',
      box: bytesToHex(aeadSeal(key, local.secretKey, aadFor(publicKey)))
    }
  }
  return JSON.stringify(file, null, 2) + '\n'
}

function corrupt (detail: string, cause?: unknown): KeyFileCorruptError {
  return new KeyFileCorruptError(`key file is corrupt: ${detail}; restore it from a backup`, cause === undefined ? undefined : { cause })
}

function hexOf (obj: Record<string, unknown>, field: string, bytes?: number): Uint8Array {
  const value = obj[field]
  if (typeof value !== 'string' || (bytes !== undefined && value.length !== bytes * 2)) {
    throw corrupt(`"${field}" must be ${bytes === undefined ? '' : `${bytes * 2} `}hex digits, got ${describe(value)}`)
  }
  try {
    return hexToBytes(value)
  } catch (err) {
    throw corrupt(`"${field}" is not hex`, err)
  }
}

async function unseal (sealedField: unknown, passphraseOpt: unknown, publicKey: Uint8Array): Promise<Uint8Array> {
  if (sealedField === null || typeof sealedField !== 'object' || Array.isArray(sealedField)) throw corrupt('"sealed" must be an object')
  const sealed = sealedField as Record<string, unknown>
  if (sealed.kdf !== 'scrypt' || sealed.cipher !== 'xchacha20-poly1305') throw corrupt('"sealed" names an unknown kdf or cipher')
  const problem = scryptCostProblem(sealed.N, sealed.r, sealed.p)
  if (problem !== undefined) throw corrupt(`scrypt parameters out of the accepted range (${problem})`)
  const salt = hexOf(sealed, 'salt')
  if (salt.length < 16 || salt.length > 64) throw corrupt('"salt" must be 16 to 64 bytes')
  const box = hexOf(sealed, 'box', 24 + 32 + 16)
  if (passphraseOpt === undefined) throw new PassphraseRequiredError('this key file is sealed with a passphrase; pass { passphrase }')
  const passphrase = checkPassphrase(passphraseOpt, 'importKeyFile opts.passphrase')
  const key = await scryptKey(passphrase, salt, { N: sealed.N as number, r: sealed.r as number, p: sealed.p as number })
  try {
    return aeadOpen(key, box, aadFor(publicKey))
  } catch (err) {
    if (err instanceof DecryptionFailedError) throw new WrongPassphraseError('the passphrase does not open this key file (or its sealed part was altered); check the passphrase')
    throw err
  }
}

/**
 * A local identity from key file text written by {@link exportKeyFile}.
 * Every public field is checked against the secret key, so a file whose
 * name, id or key was edited is refused rather than half-trusted.
 * @throws {@link InvalidInputError} when `text` is not a string or the options are not usable
 * @throws {@link KeyFileCorruptError} when the text is not a valid key file (bad JSON, unknown version, missing, truncated or inconsistent fields)
 * @throws {@link PassphraseRequiredError} when the file is sealed and no passphrase was given
 * @throws {@link WrongPassphraseError} when the passphrase does not open it
 * @throws {@link KeyFileNotSealedError} when a passphrase is given and the file is not sealed
 */
export async function importKeyFile (text: string, opts?: ImportKeyFileOptions): Promise<LocalIdentity> {
  if (typeof text !== 'string') throw new InvalidInputError(`importKeyFile(text) needs the key file's text, got ${describe(text)}`)
  const options = checkOptions(opts, 'importKeyFile')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw corrupt('it is not JSON (truncated or overwritten?)', err)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw corrupt('it is not a JSON object')
  const file = parsed as Record<string, unknown>
  if (typeof file.version !== 'number') throw corrupt('it has no "version"')
  if (file.version !== KEY_FILE_VERSION) {
    throw new KeyFileCorruptError(`key file has version ${file.version}, this library reads version ${KEY_FILE_VERSION}; use a newer @pipes/identity`)
  }
  if (file.kind !== KIND) throw corrupt(`"kind" must be "${KIND}"`)
  const publicKey = hexOf(file, 'publicKey', 32)
  const nameSignature = hexOf(file, 'nameSignature', 64)
  if (typeof file.name !== 'string' || typeof file.id !== 'string') throw corrupt('"name" and "id" must be strings')
  const hasPlain = file.secretKey !== undefined
  const hasSealed = file.sealed !== undefined
  if (hasPlain === hasSealed) throw corrupt('it must hold exactly one of "secretKey" and "sealed"')
  const secretKey = hasPlain ? hexOf(file, 'secretKey', 32) : await unseal(file.sealed, options.passphrase, publicKey)
  if (secretKey.length !== 32) throw corrupt('the sealed secret key is not 32 bytes')
  let local: LocalIdentity
  try {
    local = localIdentityFromSecretKey(secretKey, file.name)
  } catch (err) {
    if (err instanceof PipesError) throw corrupt(`its name is invalid (${err.message})`, err)
    throw err
  }
  if (!equalBytes(local.publicKey, publicKey) || local.id !== file.id || !equalBytes(local.nameSignature, nameSignature)) {
    throw corrupt('"publicKey", "id" or "nameSignature" do not match its secret key')
  }
  // the caller expects a sealed file: a plain one in its place is a downgrade, not a convenience
  if (hasPlain && options.passphrase !== undefined) throw new KeyFileNotSealedError('a passphrase was given but this key file is not sealed (it may have been swapped for a plain copy); check the file, or import it without a passphrase')
  return local
}
