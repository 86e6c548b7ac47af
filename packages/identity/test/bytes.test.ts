// Byte helpers: hex, UTF-8, equality, concatenation, random bytes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  bytesToHex, concatBytes, equalBytes, hexToBytes, randomBytes, utf8Decode, utf8Encode
} from '../src/index.js'


describe('byte helpers', () => {
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
