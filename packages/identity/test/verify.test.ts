import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  generateIdentity, hexToBytes, localIdentityFromSecretKey, utf8Encode, verify, verifyBatch, verifySync,
  webCryptoEd25519Available, type VerifyItem
} from '../src/index.js'
import { nobleVerify } from '../src/ed25519.js'
import { KEY_CACHE_SIZE, webCryptoKeyCacheSize, webCryptoVerify } from '../src/webcrypto.js'

// RFC 8032 section 7.1: secret key, public key, message, signature.
const RFC8032 = [
  ['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '',
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'],
  ['4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72',
    '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'],
  ['c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7', 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025', 'af82',
    '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'],
  ['833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42', 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704']
].map(([sk, pk, msg, sig]) => ({ sk: hexToBytes(sk as string), pk: hexToBytes(pk as string), msg: hexToBytes(msg as string), sig: hexToBytes(sig as string) }))

const L = 2n ** 252n + 27742317777372353535851937790883648493n

function flipBit (bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice()
  const i = Math.floor(bit / 8) % out.length
  out[i] = (out[i] as number) ^ (1 << (bit % 8))
  return out
}

async function bothPaths (pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): Promise<[boolean, boolean]> {
  return [nobleVerify(pk, msg, sig), await webCryptoVerify(pk, msg, sig)]
}

describe('verify: WebCrypto and noble agree', () => {
  it('this runtime (Node 20) has WebCrypto Ed25519, detected once', async () => {
    const first = webCryptoEd25519Available()
    expect(webCryptoEd25519Available()).toBe(first)
    expect(await first).toBe(true)
  })

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

  it('both paths give the same answers on random keys, messages and tampered inputs', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.nat(),
      fc.constantFrom('none', 'sig', 'msg', 'key', 'random-sig', 'append'),
      async (seed, msg, bit, tamper) => {
        const local = localIdentityFromSecretKey(seed, 'random')
        let pk: Uint8Array = local.publicKey
        let m: Uint8Array = msg
        let sig: Uint8Array = local.signSync(msg)
        if (tamper === 'sig') sig = flipBit(sig, bit % 512)
        if (tamper === 'key') pk = flipBit(pk, bit % 256)
        if (tamper === 'msg') m = msg.length > 0 ? flipBit(msg, bit % (msg.length * 8)) : new Uint8Array([bit & 0xff])
        if (tamper === 'random-sig') sig = fc.sample(fc.uint8Array({ minLength: 64, maxLength: 64 }), { numRuns: 1, seed: bit })[0]!
        if (tamper === 'append') m = new Uint8Array([...msg, 0])
        const [noble, web] = await bothPaths(pk, m, sig)
        expect(web).toBe(noble)
        expect(noble).toBe(tamper === 'none')
        expect(await verify(pk, m, sig)).toBe(noble)
      }), { numRuns: 300 })
  })

  it('both paths agree on arbitrary 32-byte keys and 64-byte signatures (almost all invalid)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 64, maxLength: 64 }),
      async (pk, msg, sig) => {
        const [noble, web] = await bothPaths(pk, msg, sig)
        expect(web).toBe(noble)
      }), { numRuns: 200 })
  })

  it('async sign and signSync give identical signatures', async () => {
    const local = generateIdentity('signer')
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (msg) => {
      expect(await local.sign(msg)).toEqual(local.signSync(msg))
    }), { numRuns: 50 })
  })
})

describe('verifyBatch', () => {
  it('returns one answer per item, in order, equal to one-by-one verification', async () => {
    const signers = Array.from({ length: 5 }, (_, i) => generateIdentity(`s${i}`))
    const items: VerifyItem[] = []
    for (let i = 0; i < 300; i++) {
      const s = signers[i % signers.length]!
      const message = utf8Encode(`message ${i}`)
      let signature = s.signSync(message)
      if (i % 3 === 1) signature = flipBit(signature, i)
      const publicKey = i % 7 === 2 ? signers[(i + 1) % signers.length]!.publicKey : s.publicKey
      items.push({ publicKey, message, signature })
    }
    const expected = items.map((it) => nobleVerify(it.publicKey, it.message, it.signature))
    expect(expected.filter(Boolean).length).toBeGreaterThan(100)
    expect(expected.filter((x) => !x).length).toBeGreaterThan(100)
    expect(await verifyBatch(items)).toEqual(expected)
    expect(await verifyBatch(items, { concurrency: 1 })).toEqual(expected)
    expect(await verifyBatch(items, { concurrency: 1024 })).toEqual(expected)
    expect(await verifyBatch([])).toEqual([])
  })

  it('rejects the whole batch, naming the index, when one item is malformed', async () => {
    const s = generateIdentity('s')
    const good = { publicKey: s.publicKey, message: new Uint8Array(1), signature: s.signSync(new Uint8Array(1)) }
    await expect(verifyBatch([good, { ...good, signature: new Uint8Array(63) }])).rejects.toMatchObject({ code: 'ERR_INVALID_SIGNATURE_INPUT', message: expect.stringContaining('items[1]') })
    await expect(verifyBatch([good], { concurrency: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
  })
})

describe('WebCrypto key cache', () => {
  it('stays bounded however many distinct keys are verified', async () => {
    const sig = new Uint8Array(64)
    for (let i = 0; i < KEY_CACHE_SIZE + 50; i++) {
      const pk = new Uint8Array(32)
      pk[0] = i & 0xff
      pk[1] = i >> 8
      await webCryptoVerify(pk, new Uint8Array(0), sig)
    }
    expect(webCryptoKeyCacheSize()).toBe(KEY_CACHE_SIZE)
  })
})

describe('a runtime without WebCrypto Ed25519', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  it('falls back to noble and gives the same answers', async () => {
    const real = globalThis.crypto
    vi.stubGlobal('crypto', { getRandomValues: real.getRandomValues.bind(real) })
    vi.resetModules()
    const fresh = await import('../src/index.js')
    expect(await fresh.webCryptoEd25519Available()).toBe(false)
    const v = RFC8032[1]!
    expect(await fresh.verify(v.pk, v.msg, v.sig)).toBe(true)
    expect(await fresh.verify(v.pk, v.msg, flipBit(v.sig, 9))).toBe(false)
    const local = fresh.localIdentityFromSecretKey(v.sk, 'fallback')
    expect(await local.sign(v.msg)).toEqual(v.sig)
    const items = RFC8032.flatMap((x) => [{ publicKey: x.pk, message: x.msg, signature: x.sig }, { publicKey: x.pk, message: x.msg, signature: flipBit(x.sig, 100) }])
    expect(await fresh.verifyBatch(items)).toEqual([true, false, true, false, true, false, true, false])
  })
})
