// RFC 8032 (Ed25519), section 7.1 vectors: both verification paths (WebCrypto and noble) and signing.
import { describe, expect, it } from 'vitest'
import { localIdentityFromSecretKey, verify, verifySync } from '../src/index.js'
import { bothPaths, flipBit, L, RFC8032 } from './ed25519-vectors.js'

describe('RFC 8032 Ed25519 vectors', () => {
  it('both paths accept the RFC 8032 test vectors, and signing reproduces them', async () => {
    for (const v of RFC8032) {
      expect(await bothPaths(v.pk, v.msg, v.sig)).toEqual([true, true])
      expect(await verify(v.pk, v.msg, v.sig)).toBe(true)
      expect(verifySync(v.pk, v.msg, v.sig)).toBe(true)
      const local = localIdentityFromSecretKey(v.sk, 'rfc')
      expect(local.publicKey).toEqual(v.pk)
      expect(local.signSync(v.msg)).toEqual(v.sig)
      expect(await local.sign(v.msg)).toEqual(v.sig)
    }
  })

  it('both paths refuse every one-bit change of an RFC 8032 vector', async () => {
    for (const v of RFC8032) {
      for (let bit = 0; bit < 512; bit += 7) expect(await bothPaths(v.pk, v.msg, flipBit(v.sig, bit))).toEqual([false, false])
      for (let bit = 0; bit < 256; bit += 5) expect(await bothPaths(flipBit(v.pk, bit), v.msg, v.sig)).toEqual([false, false])
      if (v.msg.length > 0) expect(await bothPaths(v.pk, flipBit(v.msg, 3), v.sig)).toEqual([false, false])
    }
  })

  it('both paths refuse a malleated signature (S + L), as RFC 8032 requires', async () => {
    const v = RFC8032[0]!
    let s = 0n
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(v.sig[32 + i] as number)
    const s2 = s + L
    const sig = v.sig.slice()
    for (let i = 0; i < 32; i++) sig[32 + i] = Number((s2 >> BigInt(8 * i)) & 0xffn)
    expect(await bothPaths(v.pk, v.msg, sig)).toEqual([false, false])
  })
})
