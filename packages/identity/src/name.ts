import { concatBytes, describe, utf8Encode } from './bytes.js'
import { InvalidNameError } from './errors.js'

/** Longest identity name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 64

/** Domain separator of name signatures: a name signature can never be mistaken for any other signed message. */
export const NAME_SIGNATURE_DOMAIN = 'pipes/identity/name/v1'

// Control characters (C0, DEL, C1), line/paragraph separators and lone surrogates.
const FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}]/u

/**
 * Throws {@link InvalidNameError} unless `name` is a valid identity name:
 * a non-empty string without leading or trailing whitespace, at most 64
 * UTF-8 bytes, with no control characters.
 */
export function assertValidName (name: unknown): asserts name is string {
  if (typeof name !== 'string') throw new InvalidNameError(`an identity name must be a string, got ${describe(name)}`)
  if (name.length === 0) throw new InvalidNameError('an identity name must not be empty; choose a name people will recognise')
  if (name.trim() !== name) throw new InvalidNameError('an identity name must not start or end with whitespace; trim it first')
  if (FORBIDDEN.test(name)) throw new InvalidNameError('an identity name must not contain control characters, line breaks or unpaired surrogates; remove them')
  const bytes = utf8Encode(name).length
  if (bytes > MAX_NAME_BYTES) throw new InvalidNameError(`an identity name must be at most ${MAX_NAME_BYTES} UTF-8 bytes, got ${bytes}; shorten it`)
}

/**
 * Whether `name` is a valid identity name (see {@link assertValidName}).
 */
export function isValidName (name: unknown): name is string {
  try {
    assertValidName(name)
    return true
  } catch {
    return false
  }
}

const DOMAIN_BYTES = concatBytes(utf8Encode(NAME_SIGNATURE_DOMAIN), new Uint8Array([0]))

/**
 * The bytes an identity signs to vouch for its name: domain, a zero byte, the UTF-8 name.
 * @throws {@link InvalidNameError} when `name` breaks the name rules
 */
export function nameSigningBytes (name: string): Uint8Array {
  assertValidName(name)
  return concatBytes(DOMAIN_BYTES, utf8Encode(name))
}
