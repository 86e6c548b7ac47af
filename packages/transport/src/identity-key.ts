import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { UnusableIdentityError } from './errors.js'
import type { TransportIdentity } from './types.js'
import type { PrivateKey } from '@libp2p/interface'

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}

/**
 * The libp2p private key of an identity, checked: the key derived from the
 * seed must have the identity's public key and peer id.
 */
export async function privateKeyOf (identity: TransportIdentity): Promise<PrivateKey> {
  if (identity == null || typeof identity !== 'object') throw new UnusableIdentityError('no identity given')
  const { secretKey, publicKey, id } = identity
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) throw new UnusableIdentityError('secretKey must be a 32-byte ed25519 seed')
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new UnusableIdentityError('publicKey must be 32 bytes')
  const key = await generateKeyPairFromSeed('Ed25519', secretKey)
  if (!equalBytes(key.publicKey.raw, publicKey)) throw new UnusableIdentityError('publicKey does not belong to secretKey')
  if (peerIdFromPrivateKey(key).toString() !== id) throw new UnusableIdentityError(`id ${String(id)} is not the peer id of this key`)
  return key
}
