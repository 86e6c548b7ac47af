import { describe, expect, it } from 'vitest'
import { exportKeyFile, generateIdentity, importKeyFile, type KeyFileJSON } from '../src/index.js'

const FAST = { N: 2 ** 14, r: 8, p: 1 } // the lowest accepted cost keeps tests quick

describe('key files', () => {
  it('round-trip an unsealed key file, which holds a version and the secret in the clear', async () => {
    const alice = generateIdentity('alice')
    const text = await exportKeyFile(alice)
    const json = JSON.parse(text) as KeyFileJSON
    expect(json.version).toBe(1)
    expect(json.id).toBe(alice.id)
    expect(json.secretKey).toBe(Buffer.from(alice.secretKey).toString('hex'))
    const back = await importKeyFile(text)
    expect(back.id).toBe(alice.id)
    expect(back.name).toBe('alice')
    expect(back.secretKey).toEqual(alice.secretKey)
  })

  it('round-trip a passphrase-sealed key file that records its scrypt parameters and hides the secret', async () => {
    const alice = generateIdentity('alice')
    const text = await exportKeyFile(alice, { passphrase: 'correct horse', scrypt: FAST })
    const json = JSON.parse(text) as KeyFileJSON
    expect(json.secretKey).toBeUndefined()
    expect(json.sealed).toMatchObject({ kdf: 'scrypt', N: 2 ** 14, r: 8, p: 1, cipher: 'xchacha20-poly1305' })
    expect(text).not.toContain(Buffer.from(alice.secretKey).toString('hex'))
    const back = await importKeyFile(text, { passphrase: 'correct horse' })
    expect(back.secretKey).toEqual(alice.secretKey)
  })

  it('uses the default cost (N = 2^17, r = 8, p = 1) when none is given', async () => {
    const text = await exportKeyFile(generateIdentity('alice'), { passphrase: 'pw' })
    expect((JSON.parse(text) as KeyFileJSON).sealed).toMatchObject({ N: 2 ** 17, r: 8, p: 1 })
    expect((await importKeyFile(text, { passphrase: 'pw' })).name).toBe('alice')
  })

  it('treats composed and decomposed forms of a passphrase alike (NFC)', async () => {
    const text = await exportKeyFile(generateIdentity('a'), { passphrase: 'caf\u00e9', scrypt: FAST })
    expect((await importKeyFile(text, { passphrase: 'cafe\u0301' })).name).toBe('a')
  })

  it('refuses a wrong or missing passphrase with typed errors', async () => {
    const text = await exportKeyFile(generateIdentity('alice'), { passphrase: 'right', scrypt: FAST })
    await expect(importKeyFile(text, { passphrase: 'wrong' })).rejects.toMatchObject({ code: 'ERR_WRONG_PASSPHRASE', name: 'WrongPassphraseError' })
    await expect(importKeyFile(text)).rejects.toMatchObject({ code: 'ERR_PASSPHRASE_REQUIRED' })
    await expect(importKeyFile(text, { passphrase: '' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
  })

  it('refuses every truncation of a key file with ERR_KEY_FILE_CORRUPT', async () => {
    const alice = generateIdentity('alice')
    const plain = await exportKeyFile(alice)
    const sealed = await exportKeyFile(alice, { passphrase: 'pw', scrypt: FAST })
    for (const text of [plain, sealed]) {
      // The last character is the trailing newline: JSON without it is still whole.
      for (let len = 0; len < text.trimEnd().length; len++) {
        await expect(importKeyFile(text.slice(0, len), { passphrase: 'pw' })).rejects.toMatchObject({ code: 'ERR_KEY_FILE_CORRUPT' })
      }
    }
  })

  it('refuses edited or inconsistent key files', async () => {
    const alice = generateIdentity('alice')
    const bob = generateIdentity('bob')
    const plain = JSON.parse(await exportKeyFile(alice)) as Record<string, unknown>
    const bobFile = JSON.parse(await exportKeyFile(bob)) as Record<string, unknown>
    const sealed = JSON.parse(await exportKeyFile(alice, { passphrase: 'pw', scrypt: FAST })) as Record<string, unknown> & { sealed: Record<string, unknown> }
    const corruptCases: unknown[] = [
      { ...plain, name: 'mallory' },
      { ...plain, name: '' },
      { ...plain, id: bob.id },
      { ...plain, publicKey: bobFile.publicKey },
      { ...plain, nameSignature: bobFile.nameSignature },
      { ...plain, secretKey: bobFile.secretKey },
      { ...plain, secretKey: (plain.secretKey as string).slice(2) },
      { ...plain, secretKey: 'zz' + (plain.secretKey as string).slice(2) },
      { ...plain, version: 2 },
      { ...plain, version: '1' },
      { ...plain, kind: 'something-else' },
      { ...plain, sealed: sealed.sealed },
      { ...sealed, sealed: undefined },
      { ...sealed, sealed: { ...sealed.sealed, N: 2 ** 30 } },
      { ...sealed, sealed: { ...sealed.sealed, N: 3 } },
      { ...sealed, sealed: { ...sealed.sealed, p: 1000 } },
      { ...sealed, sealed: { ...sealed.sealed, kdf: 'pbkdf2' } },
      { ...sealed, sealed: { ...sealed.sealed, box: (sealed.sealed.box as string).slice(2) } },
      [], 'text', 42, null
    ]
    for (const c of corruptCases) {
      await expect(importKeyFile(JSON.stringify(c), { passphrase: 'pw' })).rejects.toMatchObject({ code: 'ERR_KEY_FILE_CORRUPT' })
    }
    const box = sealed.sealed.box as string
    const flipped = { ...sealed, sealed: { ...sealed.sealed, box: box.slice(0, 60) + (box[60] === '0' ? '1' : '0') + box.slice(61) } }
    await expect(importKeyFile(JSON.stringify(flipped), { passphrase: 'pw' })).rejects.toMatchObject({ code: 'ERR_WRONG_PASSPHRASE' })
    // A sealed secret moved into another identity's file does not open: the public key is bound as associated data.
    const moved = { ...sealed, publicKey: bobFile.publicKey, id: bob.id, name: 'bob', nameSignature: bobFile.nameSignature }
    await expect(importKeyFile(JSON.stringify(moved), { passphrase: 'pw' })).rejects.toMatchObject({ code: 'ERR_WRONG_PASSPHRASE' })
  })

  it('refuses scrypt costs out of range when exporting', async () => {
    const alice = generateIdentity('alice')
    for (const scrypt of [{ N: 2 ** 10 }, { N: 2 ** 21 }, { N: 2 ** 14 + 1 }, { r: 0 }, { p: 17 }, { N: 2 ** 20, r: 8 }]) {
      await expect(exportKeyFile(alice, { passphrase: 'pw', scrypt })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    }
  })

  it('refuses an unsealed file when a passphrase is given (a sealed file swapped for a plain one is a downgrade)', async () => {
    const alice = generateIdentity('alice')
    const plain = await exportKeyFile(alice)
    await expect(importKeyFile(plain, { passphrase: 'correct horse' })).rejects.toMatchObject({ code: 'ERR_KEY_FILE_NOT_SEALED', name: 'KeyFileNotSealedError' })
    expect((await importKeyFile(plain)).id).toBe(alice.id)
  })
})
