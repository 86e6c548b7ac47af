// Sealed boxes (sealTo / open).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  concatBytes, equalBytes, generateIdentity, sealTo, SEALED_BOX_OVERHEAD_BYTES, SEALED_BOX_VERSION, utf8Encode
} from '../src/index.js'


describe('sealed boxes', () => {
  it('open what was sealed to the identity, for any plaintext, with the documented layout', () => {
    const bob = generateIdentity('bob')
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (plaintext) => {
      const sealed = sealTo(bob.public(), plaintext)
      expect(sealed.length).toBe(plaintext.length + SEALED_BOX_OVERHEAD_BYTES)
      expect(sealed[0]).toBe(SEALED_BOX_VERSION)
      expect(bob.open(sealed)).toEqual(plaintext)
    }), { numRuns: 50 })
  })

  it('uses a fresh ephemeral key each time', () => {
    const bob = generateIdentity('bob')
    const m = utf8Encode('same')
    const a = sealTo(bob, m)
    const b = sealTo(bob, m)
    expect(equalBytes(a.subarray(1, 33), b.subarray(1, 33))).toBe(false)
    expect(equalBytes(a, b)).toBe(false)
  })

  it('refuses another recipient, any flipped bit, truncation and unknown versions with ERR_SEALED_BOX_INVALID', () => {
    const bob = generateIdentity('bob')
    const eve = generateIdentity('eve')
    const sealed = sealTo(bob, utf8Encode('for bob only'))
    const invalid = { code: 'ERR_SEALED_BOX_INVALID', name: 'SealedBoxInvalidError' }
    expect(() => eve.open(sealed)).toThrow(expect.objectContaining(invalid))
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const t = sealed.slice()
      t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7))
      expect(() => bob.open(t)).toThrow(expect.objectContaining(invalid))
    }
    for (let len = 0; len < sealed.length; len++) expect(() => bob.open(sealed.subarray(0, len))).toThrow(expect.objectContaining(invalid))
    expect(() => bob.open(concatBytes(sealed, new Uint8Array(1)))).toThrow(expect.objectContaining(invalid))
    expect(() => bob.open(concatBytes(new Uint8Array([1]), new Uint8Array(32), new Uint8Array(16)))).toThrow(expect.objectContaining(invalid))
  })
})
