import { generateKeyPair, generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromPublicKey as libp2pPeerIdFromPublicKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { localIdentityFromSecretKey, peerIdFromPublicKey, publicKeyFromPeerId } from '../src/index.js'

describe('peerIdFromPublicKey', () => {
  it('gives the same PeerId string as @libp2p/peer-id for many random seeds', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (seed) => {
      const libp2pId = peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)).toString()
      const ours = localIdentityFromSecretKey(seed, 'someone')
      expect(ours.id).toBe(libp2pId)
      expect(ours.id.startsWith('12D3KooW')).toBe(true)
    }), { numRuns: 200 })
  })

  it('gives the same PeerId string as @libp2p/peer-id for arbitrary 32-byte keys', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (raw) => {
      expect(peerIdFromPublicKey(raw)).toBe(libp2pPeerIdFromPublicKey(publicKeyFromRaw(raw)).toString())
    }), { numRuns: 300 })
  })

  it('round-trips through publicKeyFromPeerId', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (raw) => {
      expect(publicKeyFromPeerId(peerIdFromPublicKey(raw))).toEqual(raw)
    }), { numRuns: 100 })
  })

  it('refuses PeerIds of other key types and non-base58 text', async () => {
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString()
    expect(() => publicKeyFromPeerId(secp)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(() => publicKeyFromPeerId('12D3KooW0OIl')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(() => publicKeyFromPeerId('')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
  })
})
