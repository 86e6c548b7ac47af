import { bytesToHex, exportKeyFile, generateIdentity, randomBytes, scryptCostProblem } from '@pipes/identity'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PASSPHRASE_COST, pipelineKeyFromPassphrase, pipelineKeyFromSharedKey } from '../../src/secure/pipeline-key.js'

const scope = { network: 'net-a', pipeline: 'ROOM' }
const cheap = { N: 2 ** 14, r: 8, p: 1 }

describe('pipeline keys from a shared secret', () => {
  it('derives the same 32-byte key on every member and another one per network, pipeline and context', () => {
    const secret = randomBytes(32)
    const k = pipelineKeyFromSharedKey(secret, scope)
    expect(k.length).toBe(32)
    expect(bytesToHex(pipelineKeyFromSharedKey(secret.slice(), { ...scope }))).toBe(bytesToHex(k))
    const others = [
      pipelineKeyFromSharedKey(secret, { ...scope, network: 'net-b' }),
      pipelineKeyFromSharedKey(secret, { ...scope, pipeline: 'ROOM2' }),
      pipelineKeyFromSharedKey(secret, scope, 'other-use'),
      pipelineKeyFromSharedKey(randomBytes(32), scope)
    ].map(bytesToHex)
    expect(new Set([bytesToHex(k), ...others]).size).toBe(5)
    expect(bytesToHex(k)).not.toBe(bytesToHex(secret))
  })

  it('does not mix up network and pipeline boundaries', () => {
    const secret = randomBytes(32)
    const a = pipelineKeyFromSharedKey(secret, { network: 'ab', pipeline: 'c' })
    const b = pipelineKeyFromSharedKey(secret, { network: 'a', pipeline: 'bc' })
    expect(bytesToHex(a)).not.toBe(bytesToHex(b))
  })

  it('refuses keys that are not 32 bytes with a typed error', () => {
    for (const bad of [new Uint8Array(31), new Uint8Array(33), 'secret', undefined, null, 42]) {
      expect(() => pipelineKeyFromSharedKey(bad as Uint8Array, scope)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SECURE_OPTION' }))
    }
  })
})

describe('pipeline keys from a passphrase', () => {
  it('uses key-file strength scrypt by default', () => {
    expect(DEFAULT_PASSPHRASE_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 })
  })

  it('derives the same key from the same passphrase, another one per pipeline, NFC-normalized', async () => {
    const a = await pipelineKeyFromPassphrase('correct horse', scope, cheap)
    const again = await pipelineKeyFromPassphrase('correct horse', { ...scope }, cheap)
    const otherPipeline = await pipelineKeyFromPassphrase('correct horse', { ...scope, pipeline: 'OTHER' }, cheap)
    const otherWords = await pipelineKeyFromPassphrase('correct horsf', scope, cheap)
    expect(bytesToHex(again)).toBe(bytesToHex(a))
    expect(bytesToHex(otherPipeline)).not.toBe(bytesToHex(a))
    expect(bytesToHex(otherWords)).not.toBe(bytesToHex(a))
    const composed = await pipelineKeyFromPassphrase('caf\u00e9', scope, cheap)
    const decomposed = await pipelineKeyFromPassphrase('cafe\u0301', scope, cheap)
    expect(bytesToHex(decomposed)).toBe(bytesToHex(composed))
  })

  it('is not the shared-key derivation of the passphrase bytes', async () => {
    const viaScrypt = await pipelineKeyFromPassphrase('x'.repeat(32), scope, cheap)
    const direct = pipelineKeyFromSharedKey(new TextEncoder().encode('x'.repeat(32)), scope)
    expect(bytesToHex(viaScrypt)).not.toBe(bytesToHex(direct))
  })

  it('refuses empty passphrases and costs out of range', async () => {
    for (const bad of ['', undefined, 7]) {
      await expect(pipelineKeyFromPassphrase(bad as string, scope, cheap)).rejects.toMatchObject({ code: 'ERR_INVALID_SECURE_OPTION' })
    }
    for (const cost of [{ N: 1000 }, { N: 2 ** 13 }, { N: 2 ** 21 }, { r: 0 }, { p: 17 }]) {
      await expect(pipelineKeyFromPassphrase('pw', scope, cost)).rejects.toMatchObject({ code: 'ERR_INVALID_SECURE_OPTION' })
    }
  })

  it('accepts exactly the scrypt costs a key file accepts (one check, @pipes/identity scryptCostProblem)', async () => {
    // 1 GiB of memory (N·r = 2^23): a key file refuses it, and so does a pipeline passphrase
    const huge = { N: 2 ** 20, r: 8, p: 1 }
    expect(scryptCostProblem(huge.N, huge.r, huge.p)).toMatch(/256 MiB/)
    await expect(pipelineKeyFromPassphrase('pw', scope, huge)).rejects.toMatchObject({ code: 'ERR_INVALID_SECURE_OPTION', message: expect.stringContaining('256 MiB') })
    await expect(exportKeyFile(generateIdentity('a'), { passphrase: 'pw', scrypt: huge })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
  })
})
