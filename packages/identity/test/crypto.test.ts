import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  aeadOpen, aeadSeal, AEAD_OVERHEAD_BYTES, bytesToHex, concatBytes, edPublicToX25519, edSecretToX25519, equalBytes, generateIdentity,
  hexToBytes, hkdf, localIdentityFromSecretKey, randomBytes, sealTo, SEALED_BOX_OVERHEAD_BYTES, SEALED_BOX_VERSION, sha256, sha512, utf8Decode, utf8Encode,
  x25519PublicKey, x25519SharedSecret
} from '../src/index.js'

const h = hexToBytes

describe('X25519 (RFC 7748)', () => {
  it('matches the scalar multiplication vectors of section 5.2', () => {
    expect(bytesToHex(x25519SharedSecret(
      h('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      h('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c')))).toBe('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552')
    expect(bytesToHex(x25519SharedSecret(
      h('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'),
      h('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493')))).toBe('95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957')
  })

  it('matches the iterated vector of section 5.2 after 1 and 1000 iterations', () => {
    let k: Uint8Array = h('0900000000000000000000000000000000000000000000000000000000000000')
    let u: Uint8Array = k.slice()
    for (let i = 1; i <= 1000; i++) {
      const next = x25519SharedSecret(k, u)
      u = k
      k = next
      if (i === 1) expect(bytesToHex(k)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079')
    }
    expect(bytesToHex(k)).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51')
  })

  it('matches the Diffie-Hellman vector of section 6.1', () => {
    const alice = h('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
    const bob = h('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
    expect(bytesToHex(x25519PublicKey(alice))).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
    expect(bytesToHex(x25519PublicKey(bob))).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'
    expect(bytesToHex(x25519SharedSecret(alice, x25519PublicKey(bob)))).toBe(shared)
    expect(bytesToHex(x25519SharedSecret(bob, x25519PublicKey(alice)))).toBe(shared)
  })

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

describe('hashes, HKDF and byte helpers', () => {
  it('match published vectors (FIPS 180 "abc", RFC 5869 case 1)', () => {
    expect(bytesToHex(sha256(utf8Encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(bytesToHex(sha512(utf8Encode('abc'))).slice(0, 32)).toBe('ddaf35a193617abacc417349ae204131')
    const okm = hkdf(h('0b'.repeat(22)), { salt: h('000102030405060708090a0b0c'), info: h('f0f1f2f3f4f5f6f7f8f9'), length: 42 })
    expect(bytesToHex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865')
    expect(hkdf(h('0b'), { info: 'a' })).toEqual(hkdf(h('0b'), { info: utf8Encode('a'), length: 32 }))
  })

  it('hex, UTF-8 and equality helpers round-trip and refuse bad input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), fc.string({ unit: 'grapheme' }), (bytes, text) => {
      expect(hexToBytes(bytesToHex(bytes))).toEqual(bytes)
      expect(hexToBytes(bytesToHex(bytes).toUpperCase())).toEqual(bytes)
      expect(equalBytes(bytes, bytes.slice())).toBe(true)
      expect(utf8Decode(utf8Encode(text))).toBe(text)
    }), { numRuns: 100 })
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false)
    expect(() => hexToBytes('abc')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(() => hexToBytes('0x00')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(() => utf8Decode(new Uint8Array([0xff]))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }))
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]))
    expect(randomBytes(16).length).toBe(16)
  })
})
