// Wycheproof's X25519 vectors (C2SP/wycheproof, vectors/README.md) against x25519SharedSecret, which
// the sealed boxes and key agreement use.
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes, x25519SharedSecret } from '../src/index.js'
import { loadVectors, type WycheproofFile } from './vectors/load.js'

interface Test { tcId: number, flags: string[], public: string, private: string, shared: string, result: 'valid' | 'acceptable' | 'invalid' }
const file = loadVectors<WycheproofFile<{ curve: string, tests: Test[] }>>('wycheproof-x25519_test.json')
const tests = file.testGroups.flatMap(g => g.tests)
const ZERO = '00'.repeat(32)

describe('Wycheproof X25519', () => {
  it('holds every test the file counts', () => {
    expect(file.algorithm).toBe('XDH')
    expect(tests).toHaveLength(file.numberOfTests)
  })

  it('gives the expected secret, or refuses (ERR_KEY_AGREEMENT) exactly where the secret is all zeros', () => {
    let refused = 0
    for (const t of tests) {
      const run = (): string => bytesToHex(x25519SharedSecret(hexToBytes(t.private), hexToBytes(t.public)))
      if (t.shared === ZERO) {
        // low-order public keys: Wycheproof calls refusing them acceptable, and we always do
        expect(t.result).not.toBe('valid')
        expect(run, `tcId ${t.tcId}`).toThrow(expect.objectContaining({ code: 'ERR_KEY_AGREEMENT' }))
        refused++
      } else {
        // valid, and acceptable inputs (twist points, non-canonical u) computed as RFC 7748 says
        expect({ tcId: t.tcId, shared: run() }).toEqual({ tcId: t.tcId, shared: t.shared })
      }
    }
    expect(refused).toBeGreaterThan(0)
  })
})
