import { base58btc } from 'multiformats/bases/base58'
import { concatBytes, describe, equalBytes } from './bytes.js'
import { assertPublicKey, PUBLIC_KEY_BYTES } from './ed25519.js'
import { InvalidInputError } from './errors.js'

// A libp2p PeerId of an ed25519 key is the identity multihash (code 0x00) of
// the protobuf-encoded PublicKey { Type: Ed25519 (1), Data: <32 bytes> },
// written in base58btc without the multibase prefix: always "12D3KooW...".
//   0x00 0x24          identity multihash, 36 bytes of digest
//   0x08 0x01          field 1 (Type), varint 1 = Ed25519
//   0x12 0x20 <key>    field 2 (Data), 32 bytes
const PREFIX = new Uint8Array([0x00, 0x24, 0x08, 0x01, 0x12, 0x20])

/**
 * The libp2p PeerId string ("12D3KooW...") of an ed25519 public key, the
 * same string `@libp2p/peer-id` gives, computed without libp2p.
 * @throws {@link InvalidKeyError} when `publicKey` is not a 32-byte Uint8Array
 */
export function peerIdFromPublicKey (publicKey: Uint8Array): string {
  assertPublicKey(publicKey)
  return base58btc.baseEncode(concatBytes(PREFIX, publicKey))
}

/**
 * The ed25519 public key inside a libp2p PeerId string: the inverse of
 * {@link peerIdFromPublicKey}. Only ed25519 PeerIds carry their key.
 * @throws {@link InvalidInputError} when `peerId` is not a base58btc ed25519 PeerId
 */
export function publicKeyFromPeerId (peerId: string): Uint8Array {
  if (typeof peerId !== 'string') throw new InvalidInputError(`publicKeyFromPeerId(peerId) needs a PeerId string, got ${describe(peerId)}`)
  let bytes: Uint8Array
  try {
    bytes = base58btc.baseDecode(peerId)
  } catch (err) {
    throw new InvalidInputError('publicKeyFromPeerId(peerId) was given a string that is not base58btc; pass a PeerId such as "12D3KooW..."', { cause: err })
  }
  if (bytes.length !== PREFIX.length + PUBLIC_KEY_BYTES || !equalBytes(bytes.subarray(0, PREFIX.length), PREFIX)) {
    throw new InvalidInputError('publicKeyFromPeerId(peerId) needs the PeerId of an ed25519 key ("12D3KooW..."); other key types do not embed their key')
  }
  return bytes.slice(PREFIX.length)
}
