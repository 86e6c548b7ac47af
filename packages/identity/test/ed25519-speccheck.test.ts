// The 12 edge cases of "Taming the many EdDSAs" (novifinancial/ed25519-speccheck, vectors/README.md)
// through both verification paths: under the strict rule (ed25519.ts) every one is refused by both.
import { describe, expect, it } from 'vitest'
import { hexToBytes, identityFromParts, generateIdentity, verify, verifySync } from '../src/index.js'
import { bothPaths } from './ed25519-vectors.js'
import { loadVectors } from './vectors/load.js'

interface Case { message: string, pub_key: string, signature: string }
const cases = loadVectors<Case[]>('ed25519-speccheck-cases.json').map(c => ({
  msg: hexToBytes(c.message), pk: hexToBytes(c.pub_key), sig: hexToBytes(c.signature)
}))

// what each case is, from the speccheck README's condition table
const WHAT = [
  'S = 0, small-order A and R',
  'small-order A only',
  'small-order R only',
  'A and R with a torsion component (passes cofactored and cofactorless)',
  'A and R with a torsion component, passes cofactored only',
  'A with a torsion component, passes cofactored only unless 8h is pre-reduced',
  'S > L',
  'S >> L (top bit set)',
  'non-canonical R, reduced for the hash',
  'non-canonical R, not reduced for the hash',
  'non-canonical A, reduced for the hash',
  'non-canonical A, not reduced for the hash'
]

describe('ed25519-speccheck vectors', () => {
  it('holds the 12 cases', () => {
    expect(cases).toHaveLength(12)
  })

  it.each(cases.map((c, i) => [i, WHAT[i] as string, c] as const))('case %i (%s): refused by noble and WebCrypto alike', async (_i, _what, c) => {
    const [noble, web] = await bothPaths(c.pk, c.msg, c.sig)
    expect({ noble, web }).toEqual({ noble: false, web: false })
    expect(await verify(c.pk, c.msg, c.sig)).toBe(false)
    expect(verifySync(c.pk, c.msg, c.sig)).toBe(false)
  })

  it('no identity can be built from a small-order, torsioned or non-canonical key among them', async () => {
    const name = generateIdentity('x')
    // A is of prime order only in cases 6 and 7 (the S cases): those keys are fine, their name signature is not
    for (const [i, c] of cases.entries()) {
      const code = i === 6 || i === 7 ? 'ERR_NAME_SIGNATURE_INVALID' : 'ERR_INVALID_KEY'
      await expect(identityFromParts(c.pk, 'x', name.nameSignature), `case ${i}`).rejects.toMatchObject({ code })
    }
  })
})
