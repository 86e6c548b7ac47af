import { bytesToHex, describe, hexToBytes, randomBytes } from './bytes.js'
import { assertIdentityPublicKey, assertMessage, assertSecretKey, assertSignature, nobleSign, publicKeyOf, SIGNATURE_BYTES } from './ed25519.js'
import { InvalidIdentityError, InvalidInputError, NameSignatureInvalidError } from './errors.js'
import { assertValidName, nameSigningBytes } from './name.js'
import { peerIdFromPublicKey } from './peer-id.js'
import { openSealed, recipientKey } from './sealed-box.js'
import { verify } from './verify.js'
import { webCryptoEd25519Available, webCryptoSign, webCryptoSigningKey } from './webcrypto.js'
import { edPublicToX25519, edSecretToX25519, x25519SharedSecret } from './x25519.js'

/** Version of {@link IdentityJSON}. */
export const IDENTITY_JSON_VERSION = 1

/** The public identity as JSON: what `identity.toJSON()` gives and {@link identityFromJSON} reads. Byte fields are lowercase hex. */
export interface IdentityJSON {
  version: 1
  /** libp2p PeerId of the key; checked against `publicKey` on import. */
  id: string
  name: string
  /** 32-byte ed25519 public key, hex. */
  publicKey: string
  /** 64-byte signature of the name by the key, hex. */
  nameSignature: string
}

/**
 * Someone on a Pipes network: an ed25519 public key, the libp2p PeerId it
 * gives, and a name the key has signed. An `Identity` can only be built
 * with a name signature that verifies, so its `name` is never taken on trust.
 */
export interface Identity {
  /** libp2p PeerId string of the ed25519 key (base58btc, "12D3KooW..."). */
  readonly id: string
  /** The owner's chosen name, verified against {@link Identity.nameSignature}. */
  readonly name: string
  /** 32-byte ed25519 public key (a copy: changing it changes nothing). */
  readonly publicKey: Uint8Array
  /** 64-byte signature by the key over the domain-separated name. */
  readonly nameSignature: Uint8Array
  /** Whether `signature` is this identity's signature of `message` (see the package's `verify`). */
  verify (message: Uint8Array, signature: Uint8Array): Promise<boolean>
  /** The public identity as JSON (never any secret). */
  toJSON (): IdentityJSON
}

/** An identity whose secret key we hold: it can sign, open sealed boxes and agree keys. */
export interface LocalIdentity extends Identity {
  /** 32-byte ed25519 seed (a copy). Keep it secret; store it with `exportKeyFile`/`saveKeyFile`. */
  readonly secretKey: Uint8Array
  /** Signs `message` (WebCrypto where available, else noble; the bytes are the same). */
  sign (message: Uint8Array): Promise<Uint8Array>
  /** Signs `message` synchronously with noble. */
  signSync (message: Uint8Array): Uint8Array
  /** Opens a sealed box addressed to this identity (see `sealTo`). */
  open (sealed: Uint8Array): Uint8Array
  /** Raw X25519 shared secret with another identity; derive keys from it with `hkdf`. */
  agree (peer: Identity): Uint8Array
  /** This identity without its secret key. */
  public (): Identity
}

class PublicIdentity implements Identity {
  readonly id: string
  readonly name: string
  readonly #publicKey: Uint8Array
  readonly #nameSignature: Uint8Array

  constructor (publicKey: Uint8Array, name: string, nameSignature: Uint8Array) {
    this.#publicKey = publicKey.slice()
    this.#nameSignature = nameSignature.slice()
    this.name = name
    this.id = peerIdFromPublicKey(publicKey)
  }

  get publicKey (): Uint8Array { return this.#publicKey.slice() }
  get nameSignature (): Uint8Array { return this.#nameSignature.slice() }

  verify (message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return verify(this.#publicKey, message, signature)
  }

  toJSON (): IdentityJSON {
    return {
      version: IDENTITY_JSON_VERSION,
      id: this.id,
      name: this.name,
      publicKey: bytesToHex(this.#publicKey),
      nameSignature: bytesToHex(this.#nameSignature)
    }
  }

  toString (): string {
    return `${this.name} (${this.id})`
  }
}

class LocalKeyIdentity extends PublicIdentity implements LocalIdentity {
  readonly #secretKey: Uint8Array
  #signingKey: Promise<CryptoKey | undefined> | undefined

  constructor (secretKey: Uint8Array, name: string) {
    const publicKey = publicKeyOf(secretKey)
    super(publicKey, name, nobleSign(nameSigningBytes(name), secretKey))
    this.#secretKey = secretKey.slice()
  }

  get secretKey (): Uint8Array { return this.#secretKey.slice() }

  async sign (message: Uint8Array): Promise<Uint8Array> {
    assertMessage(message)
    this.#signingKey ??= webCryptoEd25519Available().then(async (ok) => ok ? await webCryptoSigningKey(this.#secretKey) : undefined).catch(() => undefined)
    const key = await this.#signingKey
    return key === undefined ? nobleSign(message, this.#secretKey) : await webCryptoSign(key, message)
  }

  signSync (message: Uint8Array): Uint8Array {
    assertMessage(message)
    return nobleSign(message, this.#secretKey)
  }

  open (sealed: Uint8Array): Uint8Array {
    return openSealed(this.#secretKey, this.publicKey, sealed)
  }

  agree (peer: Identity): Uint8Array {
    const peerKey = recipientKey(peer, 'agree(peer)')
    return x25519SharedSecret(edSecretToX25519(this.#secretKey), edPublicToX25519(peerKey))
  }

  public (): Identity {
    return new PublicIdentity(this.publicKey, this.name, this.nameSignature)
  }

  // Node's console.log/util.inspect: never print the secret key.
  [Symbol.for('nodejs.util.inspect.custom')] (): string {
    return `LocalIdentity { id: '${this.id}', name: ${JSON.stringify(this.name)}, secretKey: [redacted] }`
  }
}

/**
 * A new identity with a fresh random key and the given name.
 * @throws {@link InvalidNameError} when `name` breaks the name rules (non-empty, trimmed, at most 64 UTF-8 bytes, no control characters)
 */
export function generateIdentity (name: string): LocalIdentity {
  assertValidName(name)
  return new LocalKeyIdentity(randomBytes(32), name)
}

/**
 * The identity of an existing 32-byte ed25519 seed, under the given name.
 * @throws {@link InvalidKeyError} when `secretKey` is not a 32-byte Uint8Array
 * @throws {@link InvalidNameError} when `name` breaks the name rules
 */
export function localIdentityFromSecretKey (secretKey: Uint8Array, name: string): LocalIdentity {
  assertSecretKey(secretKey)
  assertValidName(name)
  return new LocalKeyIdentity(secretKey, name)
}

/**
 * A public identity from its parts (as received from a peer): checks the
 * key, the name rules, and that `nameSignature` is the key's signature of the name.
 * @throws {@link InvalidKeyError} when `publicKey` is not a usable ed25519 key
 * @throws {@link InvalidNameError} when `name` breaks the name rules
 * @throws {@link InvalidSignatureInputError} when `nameSignature` is not a 64-byte Uint8Array
 * @throws {@link NameSignatureInvalidError} when the signature does not verify
 */
export async function identityFromParts (publicKey: Uint8Array, name: string, nameSignature: Uint8Array): Promise<Identity> {
  assertIdentityPublicKey(publicKey)
  assertValidName(name)
  assertSignature(nameSignature, 'nameSignature')
  if (!(await verify(publicKey, nameSigningBytes(name), nameSignature))) {
    throw new NameSignatureInvalidError(`the name ${JSON.stringify(name)} is not signed by this key: it was altered or belongs to another identity; do not show it`)
  }
  return new PublicIdentity(publicKey, name, nameSignature)
}

function hexField (obj: Record<string, unknown>, field: string, bytes: number): Uint8Array {
  const value = obj[field]
  if (typeof value !== 'string' || value.length !== bytes * 2) {
    throw new InvalidIdentityError(`identity JSON field "${field}" must be ${bytes * 2} hex digits, got ${describe(value)}`)
  }
  try {
    return hexToBytes(value)
  } catch (err) {
    throw new InvalidIdentityError(`identity JSON field "${field}" is not hex`, { cause: err })
  }
}

/**
 * A public identity from its JSON (an object or JSON text, as produced by
 * `identity.toJSON()`), after checking the key, that `id` is the key's
 * PeerId, and that the name signature verifies.
 * @throws {@link InvalidIdentityError} when the JSON is malformed or `id` does not match the key
 * @throws {@link InvalidKeyError} / {@link InvalidNameError} / {@link NameSignatureInvalidError} as {@link identityFromParts}
 */
export async function identityFromJSON (json: unknown): Promise<Identity> {
  let value = json
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch (err) {
      throw new InvalidIdentityError('identity JSON text does not parse; pass what identity.toJSON() produced', { cause: err })
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidIdentityError(`identityFromJSON needs an object like identity.toJSON() gives, got ${describe(value)}`)
  }
  const obj = value as Record<string, unknown>
  if (obj.version !== IDENTITY_JSON_VERSION) {
    throw new InvalidIdentityError(`identity JSON has version ${typeof obj.version === 'number' ? obj.version : describe(obj.version)}, this library reads version ${IDENTITY_JSON_VERSION}; upgrade @pipes/identity`)
  }
  const publicKey = hexField(obj, 'publicKey', 32)
  const nameSignature = hexField(obj, 'nameSignature', SIGNATURE_BYTES)
  assertIdentityPublicKey(publicKey)
  if (obj.id !== peerIdFromPublicKey(publicKey)) {
    throw new InvalidIdentityError('identity JSON "id" is not the PeerId of its "publicKey": the JSON was altered; do not trust it')
  }
  return identityFromParts(publicKey, obj.name as string, nameSignature)
}

/** Throws {@link InvalidInputError} unless `value` looks like a LocalIdentity (has a secretKey and a name). */
export function assertLocalIdentity (value: unknown, what: string): asserts value is LocalIdentity {
  if (value === null || typeof value !== 'object') {
    throw new InvalidInputError(`${what} must be a LocalIdentity (from generateIdentity or importKeyFile), got ${describe(value)}`)
  }
  const { secretKey, name } = value as Partial<LocalIdentity>
  assertSecretKey(secretKey, `${what}.secretKey`)
  assertValidName(name)
}

/**
 * Whether `x` has the shape of an {@link Identity}: a 32-byte public key, a
 * 64-byte name signature, a name and an id. A shape check only (nothing is
 * verified); use {@link identityFromJSON} to check a serialized one.
 */
export function isIdentity (x: unknown): x is Identity {
  if (x === null || typeof x !== 'object') return false
  const i = x as Partial<Identity>
  return i.publicKey instanceof Uint8Array && i.publicKey.length === 32 && typeof i.name === 'string' &&
    i.nameSignature instanceof Uint8Array && i.nameSignature.length === 64 && typeof i.id === 'string'
}
