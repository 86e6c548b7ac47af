// RFC 5869 (HKDF-SHA256): test case 1, and string info equals its UTF-8 bytes.
import { describe, expect, it } from 'vitest'
import {
  bytesToHex, hexToBytes, hkdf, utf8Encode
} from '../src/index.js'

const h = hexToBytes

describe('HKDF (RFC 5869)', () => {
  it('matches test case 1; a string info is its UTF-8 bytes', () => {
    const okm = hkdf(h('0b'.repeat(22)), { salt: h('000102030405060708090a0b0c'), info: h('f0f1f2f3f4f5f6f7f8f9'), length: 42 })
    expect(bytesToHex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865')
    expect(hkdf(h('0b'), { info: 'a' })).toEqual(hkdf(h('0b'), { info: utf8Encode('a'), length: 32 }))
  })
})
