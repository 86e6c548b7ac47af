// Wycheproof's XChaCha20-Poly1305 vectors (C2SP/wycheproof, vectors/README.md) against aeadOpen
// (nonce || ciphertext || tag) and the noble cipher aeadSeal uses.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { describe, expect, it } from 'vitest'
import { aeadOpen, bytesToHex, concatBytes, hexToBytes } from '../src/index.js'
import { loadVectors, type WycheproofFile } from './vectors/load.js'

interface Test { tcId: number, key: string, iv: string, aad: string, msg: string, ct: string, tag: string, result: 'valid' | 'invalid' }
const file = loadVectors<WycheproofFile<{ ivSize: number, tests: Test[] }>>('wycheproof-xchacha20_poly1305_test.json')
const tests = file.testGroups.flatMap(g => g.tests)

describe('Wycheproof XChaCha20-Poly1305', () => {
  it('holds every test the file counts', () => {
    expect(file.algorithm).toBe('XCHACHA20-POLY1305')
    expect(tests).toHaveLength(file.numberOfTests)
  })

  it('aeadOpen opens every valid test to its message and refuses every invalid one', () => {
    let valid = 0
    for (const t of tests) {
      const sealed = concatBytes(hexToBytes(t.iv), hexToBytes(t.ct), hexToBytes(t.tag))
      const open = (): string => bytesToHex(aeadOpen(hexToBytes(t.key), sealed, hexToBytes(t.aad)))
      if (t.result === 'valid') {
        expect({ tcId: t.tcId, msg: open() }).toEqual({ tcId: t.tcId, msg: t.msg })
        valid++
      } else {
        expect(open, `tcId ${t.tcId}`).toThrow(expect.objectContaining({ code: 'ERR_DECRYPTION_FAILED' }))
      }
    }
    expect(valid).toBeGreaterThan(200)
  })

  it('the cipher aeadSeal uses gives each valid test\'s ciphertext and tag for its nonce', () => {
    for (const t of tests.filter(x => x.result === 'valid')) {
      const out = xchacha20poly1305(hexToBytes(t.key), hexToBytes(t.iv), hexToBytes(t.aad)).encrypt(hexToBytes(t.msg))
      expect({ tcId: t.tcId, out: bytesToHex(out) }).toEqual({ tcId: t.tcId, out: t.ct + t.tag })
    }
  })
})
