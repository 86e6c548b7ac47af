import { concatBytes, sha512, utf8Encode } from '@pipes/identity'
import { ChatNotConnectedError, InvalidRecipientError } from './errors.js'
import { describeInput, toUserKey } from './users.js'
import type { Identity } from '@pipes/identity'

/**
 * Safety numbers: names are self-asserted, so two users who want to be sure
 * they hold each other's real key compare a short code out of band (read
 * aloud, or side by side). Each user's half is a 30-digit fingerprint of
 * their public key (SHA-512 iterated over a version label and the key, as
 * Signal does, so a key matching a chosen half is costly to find); the code
 * is the two halves in a fixed order, so both users compute the same 60
 * digits, shown in 12 groups of 5.
 */
const VERSION = utf8Encode('pipes/chat/safety-number/v1')
const ITERATIONS = 5200
/** Digits of one user's half. */
const HALF_DIGITS = 30

/** The 30-digit fingerprint of one public key. */
export function keyFingerprint (publicKey: Uint8Array): string {
  let hash = sha512(concatBytes(VERSION, publicKey))
  for (let i = 1; i < ITERATIONS; i++) hash = sha512(concatBytes(hash, publicKey))
  let digits = ''
  // each 5 bytes give 5 digits (a 40-bit number mod 10^5)
  for (let off = 0; digits.length < HALF_DIGITS; off += 5) {
    let n = 0
    for (let j = 0; j < 5; j++) n = n * 256 + (hash[off + j] as number)
    digits += String(n % 100000).padStart(5, '0')
  }
  return digits
}

/** The safety number of two public keys: the same whichever order they come in. */
export function safetyNumber (a: Uint8Array, b: Uint8Array): string {
  const halves = [keyFingerprint(a), keyFingerprint(b)].sort()
  return halves.join('').match(/\d{5}/g)?.join(' ') ?? ''
}

/**
 * The safety number of this user and `other` (an Identity, its JSON or an id).
 * @throws {@link ChatNotConnectedError} before `connectToNetwork`
 * @throws {@link InvalidRecipientError} when `other` is not another user's identity or id
 */
export async function safetyNumberWith (self: Identity | undefined, other: unknown): Promise<string> {
  if (self === undefined) throw new ChatNotConnectedError()
  let key: Uint8Array
  try {
    key = (await toUserKey(other)).publicKey
  } catch (err) {
    throw new InvalidRecipientError(`${describeInput(other)} is not an identity or an id (${(err as Error).message})`)
  }
  return safetyNumber(self.publicKey, key)
}
