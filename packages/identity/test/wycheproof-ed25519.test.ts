// Wycheproof's ed25519 verification vectors (C2SP/wycheproof, vectors/README.md) through both paths.
import { describe, expect, it } from 'vitest'
import { hexToBytes, verify } from '../src/index.js'
import { bothPaths } from './ed25519-vectors.js'
import { loadVectors, type WycheproofFile } from './vectors/load.js'

interface Test { tcId: number, comment: string, flags: string[], msg: string, sig: string, result: 'valid' | 'invalid' }
interface Group { publicKey: { pk: string }, tests: Test[] }
const file = loadVectors<WycheproofFile<Group>>('wycheproof-ed25519_test.json')
const tests = file.testGroups.flatMap(g => g.tests.map(t => ({ ...t, pk: hexToBytes(g.publicKey.pk) })))

describe('Wycheproof ed25519', () => {
  it('holds every test the file counts', () => {
    expect(file.algorithm).toBe('EDDSA')
    expect(tests).toHaveLength(file.numberOfTests)
  })

  it('both paths give Wycheproof\'s answer on every 64-byte signature', async () => {
    let checked = 0
    for (const t of tests) {
      const sig = hexToBytes(t.sig)
      if (sig.length !== 64) continue
      const [noble, web] = await bothPaths(t.pk, hexToBytes(t.msg), sig)
      expect({ tcId: t.tcId, noble, web }).toEqual({ tcId: t.tcId, noble: t.result === 'valid', web: t.result === 'valid' })
      checked++
    }
    expect(checked).toBe(139)
  })

  it('a signature that is not 64 bytes (all invalid in Wycheproof) is an input error, never true', async () => {
    const short = tests.filter(t => t.sig.length !== 128)
    expect(short.length).toBeGreaterThan(0)
    for (const t of short) {
      expect(t.result).toBe('invalid')
      await expect(verify(t.pk, hexToBytes(t.msg), hexToBytes(t.sig))).rejects.toMatchObject({ code: 'ERR_INVALID_SIGNATURE_INPUT' })
    }
  })
})
