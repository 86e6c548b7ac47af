// X25519 key agreement of identities: ed25519 key conversion, agree(), small-order keys.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  edPublicToX25519, edSecretToX25519, equalBytes, generateIdentity, localIdentityFromSecretKey, randomBytes, x25519PublicKey, x25519SharedSecret
} from '../src/index.js'


describe('X25519 agreement', () => {
  it('converts ed25519 keys so the converted secret matches the converted public key', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
      const id = localIdentityFromSecretKey(seed, 'x')
      expect(x25519PublicKey(edSecretToX25519(seed))).toEqual(edPublicToX25519(id.publicKey))
    }), { numRuns: 30 })
  })

  it('agree() gives both sides the same secret, and a third party another', () => {
    const a = generateIdentity('a')
    const b = generateIdentity('b')
    const c = generateIdentity('c')
    expect(a.agree(b.public())).toEqual(b.agree(a))
    expect(equalBytes(a.agree(b), a.agree(c))).toBe(false)
  })

  it('refuses a small-order peer key with ERR_KEY_AGREEMENT', () => {
    expect(() => x25519SharedSecret(randomBytes(32), new Uint8Array(32))).toThrow(expect.objectContaining({ code: 'ERR_KEY_AGREEMENT' }))
  })
})
