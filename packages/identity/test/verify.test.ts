import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  generateIdentity, localIdentityFromSecretKey, utf8Encode, verify, verifyBatch,
  webCryptoEd25519Available, type VerifyItem
} from '../src/index.js'
import { nobleVerify } from '../src/ed25519.js'
import { KEY_CACHE_SIZE, webCryptoKeyCacheSize, webCryptoVerify } from '../src/webcrypto.js'
import { bothPaths, flipBit, RFC8032 } from './ed25519-vectors.js'

describe('verify: WebCrypto and noble agree', () => {
  it('this runtime (Node 20) has WebCrypto Ed25519, detected once', async () => {
    const first = webCryptoEd25519Available()
    expect(webCryptoEd25519Available()).toBe(first)
    expect(await first).toBe(true)
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
    // a real signature (by another key), so every key passes the strict checks and is imported
    const signer = generateIdentity('signer')
    const msg = utf8Encode('m')
    const sig = signer.signSync(msg)
    for (let i = 0; i < KEY_CACHE_SIZE + 50; i++) {
      expect(await webCryptoVerify(generateIdentity(`k${i}`).publicKey, msg, sig)).toBe(false)
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
