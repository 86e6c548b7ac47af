/**
 * How the chat API names other users: their public `Identity`, its JSON
 * (`identity.toJSON()`, as an object or as text, e.g. pasted from a QR code
 * or an e-mail), or, where only the key matters, their id.
 */
import { identityFromJSON, isIdentity, peerIdFromPublicKey, publicKeyFromPeerId } from '@pipes/identity'
import type { Identity, IdentityJSON } from '@pipes/identity'

/** Another user: an `Identity`, its JSON (object or text), or its id (`"12D3KooW..."`) where only the key is needed. */
export type UserRef = Identity | IdentityJSON | string

/** A user's id and public key: all a private message needs. */
export interface UserKey {
  id: string
  publicKey: Uint8Array
}

/**
 * The verified `Identity` of an Identity or identity JSON (object or text).
 * Rejects with `@pipes/identity`'s typed errors when the JSON does not check.
 */
export async function toIdentity (user: unknown): Promise<Identity> {
  if (isIdentity(user)) return user
  return identityFromJSON(user)
}

/**
 * The id and key of a {@link UserRef}. A string is an id unless it looks like
 * JSON text. Rejects when it is none of these forms.
 */
export async function toUserKey (user: unknown): Promise<UserKey> {
  if (typeof user === 'string' && !user.trimStart().startsWith('{')) {
    const publicKey = publicKeyFromPeerId(user)
    return { id: peerIdFromPublicKey(publicKey), publicKey }
  }
  const identity = await toIdentity(user)
  return { id: identity.id, publicKey: identity.publicKey }
}

/** A short description of a bad input, for error messages. */
export function describeInput (x: unknown): string {
  if (x === null) return 'null'
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)
  return typeof x
}
