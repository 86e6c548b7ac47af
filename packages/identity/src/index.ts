/**
 * @packageDocumentation
 * Ed25519 identities for Pipes: who someone is on a network (a key, the
 * libp2p PeerId it gives, and a signed name), signatures and fast
 * verification (WebCrypto with a noble fallback, batched), X25519 key
 * agreement and sealed boxes, key files optionally sealed with a passphrase,
 * and the crypto primitives the other Pipes packages build on. Its errors
 * extend `PipesError` from `@pipes/interface`.
 *
 * Browser-safe: nothing here imports a Node built-in. File writing lives in
 * `@pipes/identity/node`.
 */
export {
  InvalidKeyError,
  InvalidNameError,
  InvalidSignatureInputError,
  InvalidInputError,
  InvalidIdentityError,
  NameSignatureInvalidError,
  KeyFileCorruptError,
  WrongPassphraseError,
  PassphraseRequiredError,
  KeyFileNotSealedError,
  SealedBoxInvalidError,
  DecryptionFailedError,
  KeyAgreementError,
  FileWriteError,
  FileReadError,
  KeyFileNotFoundError
} from './errors.js'

export {
  generateIdentity,
  localIdentityFromSecretKey,
  identityFromParts,
  identityFromJSON,
  isIdentity,
  IDENTITY_JSON_VERSION,
  type Identity,
  type LocalIdentity,
  type IdentityJSON
} from './identity.js'

export { verify, verifySync, verifyBatch, DEFAULT_VERIFY_CONCURRENCY, type VerifyItem, type VerifyBatchOptions } from './verify.js'
export { webCryptoEd25519Available } from './webcrypto.js'
export { PUBLIC_KEY_BYTES, SECRET_KEY_BYTES, SIGNATURE_BYTES } from './ed25519.js'
export { peerIdFromPublicKey, publicKeyFromPeerId } from './peer-id.js'
export { assertValidName, isValidName, nameSigningBytes, MAX_NAME_BYTES, NAME_SIGNATURE_DOMAIN } from './name.js'
export { sealTo, SEALED_BOX_VERSION, SEALED_BOX_OVERHEAD_BYTES } from './sealed-box.js'
export { edPublicToX25519, edSecretToX25519, x25519PublicKey, x25519SharedSecret, X25519_KEY_BYTES } from './x25519.js'
export {
  exportKeyFile,
  importKeyFile,
  KEY_FILE_VERSION,
  DEFAULT_SCRYPT,
  type ExportKeyFileOptions,
  type ImportKeyFileOptions,
  type KeyFileJSON
} from './key-file.js'
export { scryptCostProblem, scryptKey, type ScryptParams } from './scrypt.js'

export { aeadSeal, aeadOpen, AEAD_KEY_BYTES, AEAD_NONCE_BYTES, AEAD_TAG_BYTES, AEAD_OVERHEAD_BYTES } from './aead.js'
export { sha256, sha512, hkdf, type HkdfOptions } from './hashes.js'
export { bytesToHex, hexToBytes, equalBytes, concatBytes, utf8Encode, utf8Decode, randomBytes } from './bytes.js'
