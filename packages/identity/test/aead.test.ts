// AEAD helpers (XChaCha20-Poly1305).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  aeadOpen, aeadSeal, AEAD_OVERHEAD_BYTES, randomBytes, utf8Encode
} from '../src/index.js'


describe('AEAD helpers (XChaCha20-Poly1305)', () => {
  it('round-trip with and without associated data; nonce || ciphertext || tag layout', () => {
    const key = randomBytes(32)
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1000 }), fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }), (pt, aad) => {
      const sealed = aeadSeal(key, pt, aad)
      expect(sealed.length).toBe(pt.length + AEAD_OVERHEAD_BYTES)
      expect(aeadOpen(key, sealed, aad)).toEqual(pt)
    }), { numRuns: 50 })
  })

  it('throws ERR_DECRYPTION_FAILED on a wrong key, wrong aad, altered or short input', () => {
    const key = randomBytes(32)
    const sealed = aeadSeal(key, utf8Encode('secret'), utf8Encode('ctx'))
    const failed = { code: 'ERR_DECRYPTION_FAILED' }
    expect(() => aeadOpen(randomBytes(32), sealed, utf8Encode('ctx'))).toThrow(expect.objectContaining(failed))
    expect(() => aeadOpen(key, sealed, utf8Encode('other'))).toThrow(expect.objectContaining(failed))
    expect(() => aeadOpen(key, sealed)).toThrow(expect.objectContaining(failed))
    const altered = sealed.slice()
    altered[30] = (altered[30] as number) ^ 1
    expect(() => aeadOpen(key, altered, utf8Encode('ctx'))).toThrow(expect.objectContaining(failed))
    expect(() => aeadOpen(key, sealed.subarray(0, 39), utf8Encode('ctx'))).toThrow(expect.objectContaining(failed))
  })
})
