import { PipesError } from '@pipes/interface'

/** A key has the wrong type or length, or is not a usable ed25519/X25519 key. */
export class InvalidKeyError extends PipesError {
  static override name = 'InvalidKeyError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_INVALID_KEY', message, options) }
}

/** An identity name breaks the rules (non-empty, trimmed, at most 64 UTF-8 bytes, no control characters). */
export class InvalidNameError extends PipesError {
  static override name = 'InvalidNameError'
  constructor (message: string) { super('ERR_INVALID_NAME', message) }
}

/** A message or signature given to sign/verify is not a Uint8Array, or a signature is not 64 bytes. */
export class InvalidSignatureInputError extends PipesError {
  static override name = 'InvalidSignatureInputError'
  constructor (message: string) { super('ERR_INVALID_SIGNATURE_INPUT', message) }
}

/** An argument has the wrong type or shape (the message names the argument and what it expects). */
export class InvalidInputError extends PipesError {
  static override name = 'InvalidInputError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_INVALID_INPUT', message, options) }
}

/** A serialized public identity is malformed: missing fields, bad encodings, or an id that does not match its key. */
export class InvalidIdentityError extends PipesError {
  static override name = 'InvalidIdentityError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_INVALID_IDENTITY', message, options) }
}

/** An identity's name signature does not verify under its public key: the name cannot be trusted. */
export class NameSignatureInvalidError extends PipesError {
  static override name = 'NameSignatureInvalidError'
  constructor (message: string) { super('ERR_NAME_SIGNATURE_INVALID', message) }
}

/** A key file is not valid JSON, has an unknown version, or has missing, truncated or inconsistent fields. */
export class KeyFileCorruptError extends PipesError {
  static override name = 'KeyFileCorruptError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_KEY_FILE_CORRUPT', message, options) }
}

/** A passphrase-sealed key file did not open with the passphrase given (or its sealed part was altered). */
export class WrongPassphraseError extends PipesError {
  static override name = 'WrongPassphraseError'
  constructor (message: string) { super('ERR_WRONG_PASSPHRASE', message) }
}

/** A key file is sealed with a passphrase and none was given. */
export class PassphraseRequiredError extends PipesError {
  static override name = 'PassphraseRequiredError'
  constructor (message: string) { super('ERR_PASSPHRASE_REQUIRED', message) }
}

/**
 * A passphrase was given but the key file is not sealed: someone may have
 * swapped a sealed file for a plain one (a downgrade). Nothing was read;
 * check where the file came from, or import it without a passphrase if it
 * is meant to be unsealed.
 */
export class KeyFileNotSealedError extends PipesError {
  static override name = 'KeyFileNotSealedError'
  constructor (message: string) { super('ERR_KEY_FILE_NOT_SEALED', message) }
}

/** A sealed box is truncated, of an unknown version, addressed to another identity, or was altered. */
export class SealedBoxInvalidError extends PipesError {
  static override name = 'SealedBoxInvalidError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_SEALED_BOX_INVALID', message, options) }
}

/** AEAD authentication failed: wrong key, wrong associated data, or altered ciphertext. */
export class DecryptionFailedError extends PipesError {
  static override name = 'DecryptionFailedError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_DECRYPTION_FAILED', message, options) }
}

/** X25519 agreement produced no usable secret (the peer key is of small order). */
export class KeyAgreementError extends PipesError {
  static override name = 'KeyAgreementError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_KEY_AGREEMENT', message, options) }
}

/** Writing a file failed; nothing was left behind (see the cause for the system error). */
export class FileWriteError extends PipesError {
  static override name = 'FileWriteError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_FILE_WRITE', message, options) }
}

/** Reading a file failed for a reason other than its absence (see the cause). */
export class FileReadError extends PipesError {
  static override name = 'FileReadError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_FILE_READ', message, options) }
}

/** No key file exists at the path given. */
export class KeyFileNotFoundError extends PipesError {
  static override name = 'KeyFileNotFoundError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_KEY_FILE_NOT_FOUND', message, options) }
}
