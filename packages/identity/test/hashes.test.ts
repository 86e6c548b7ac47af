// SHA-2 hashes: the FIPS 180 "abc" vectors.
import { describe, expect, it } from 'vitest'
import {
  bytesToHex, sha256, sha512, utf8Encode
} from '../src/index.js'


describe('hashes', () => {
  it('match the FIPS 180 "abc" vectors', () => {
    expect(bytesToHex(sha256(utf8Encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(bytesToHex(sha512(utf8Encode('abc'))).slice(0, 32)).toBe('ddaf35a193617abacc417349ae204131')
  })
})
