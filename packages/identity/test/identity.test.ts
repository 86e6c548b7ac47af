import { describe, expect, it } from 'vitest'
import {
  assertValidName, generateIdentity, identityFromJSON, identityFromParts, isValidName, localIdentityFromSecretKey,
  nameSigningBytes, NAME_SIGNATURE_DOMAIN, utf8Encode, type IdentityJSON
} from '../src/index.js'

describe('names', () => {
  it('accepts ordinary and non-Latin names up to 64 UTF-8 bytes', () => {
    for (const name of ['alice', 'Bob Smith', 'Zoë', '张伟', 'a'.repeat(64), 'é'.repeat(32), '😀'.repeat(16), 'x y']) {
      expect(isValidName(name)).toBe(true)
      expect(generateIdentity(name).name).toBe(name)
    }
  })

  it('refuses empty, untrimmed, too long, control characters and non-strings with ERR_INVALID_NAME', () => {
    const bad: unknown[] = ['', ' ', ' alice', 'alice ', '\talice', 'a'.repeat(65), 'é'.repeat(33), '😀'.repeat(17),
      'al\nice', 'al\u0000ice', 'al\u007fice', 'al\u0085ice', 'al\u2028ice', 'al\ud800ice', undefined, null, 42, {}, ['alice'], new Uint8Array(3)]
    for (const name of bad) {
      expect(isValidName(name)).toBe(false)
      expect(() => assertValidName(name)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_NAME', name: 'InvalidNameError' }))
      expect(() => generateIdentity(name as string)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_NAME' }))
    }
  })

  it('signs the name under a domain prefix, so a signature over the bare name is not a name signature', async () => {
    const alice = generateIdentity('alice')
    expect(nameSigningBytes('alice')).toEqual(new Uint8Array([...utf8Encode(NAME_SIGNATURE_DOMAIN), 0, ...utf8Encode('alice')]))
    expect(await alice.verify(nameSigningBytes('alice'), alice.nameSignature)).toBe(true)
    const bare = alice.signSync(utf8Encode('alice'))
    await expect(identityFromParts(alice.publicKey, 'alice', bare)).rejects.toMatchObject({ code: 'ERR_NAME_SIGNATURE_INVALID' })
  })
})

describe('identities', () => {
  it('a local identity is deterministic in its seed and name', () => {
    const a = generateIdentity('alice')
    const b = localIdentityFromSecretKey(a.secretKey, 'alice')
    expect(b.id).toBe(a.id)
    expect(b.publicKey).toEqual(a.publicKey)
    expect(b.nameSignature).toEqual(a.nameSignature)
    expect(generateIdentity('alice').id).not.toBe(a.id)
  })

  it('hands out copies: changing returned bytes changes nothing', async () => {
    const a = generateIdentity('alice')
    const pk = a.publicKey
    pk.fill(0)
    a.secretKey.fill(0)
    expect(a.publicKey).not.toEqual(pk)
    const msg = utf8Encode('still me')
    expect(await a.verify(msg, await a.sign(msg))).toBe(true)
  })

  it('public() drops the secret key; JSON and inspection never show it', () => {
    const a = generateIdentity('alice')
    const pub = a.public()
    expect('secretKey' in pub).toBe(false)
    expect(pub.id).toBe(a.id)
    const text = JSON.stringify(a)
    const secretHex = Buffer.from(a.secretKey).toString('hex')
    expect(text).not.toContain(secretHex)
    expect(Object.keys(JSON.parse(text)).sort()).toEqual(['id', 'name', 'nameSignature', 'publicKey', 'version'])
    const inspected = (a as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')]!()
    expect(inspected).toContain('[redacted]')
    expect(inspected).not.toContain(secretHex)
  })

  it('round-trips through JSON (object or text) and identityFromParts, verifying the name', async () => {
    const a = generateIdentity('Zoë')
    for (const input of [a.toJSON(), JSON.stringify(a), JSON.parse(JSON.stringify(a))]) {
      const back = await identityFromJSON(input)
      expect(back.id).toBe(a.id)
      expect(back.name).toBe('Zoë')
      expect(back.publicKey).toEqual(a.publicKey)
    }
    const fromParts = await identityFromParts(a.publicKey, a.name, a.nameSignature)
    const msg = utf8Encode('hello')
    expect(await fromParts.verify(msg, a.signSync(msg))).toBe(true)
    expect(await fromParts.verify(msg, generateIdentity('x').signSync(msg))).toBe(false)
  })

  it('refuses a JSON identity whose name, id, key or version was altered', async () => {
    const a = generateIdentity('alice')
    const b = generateIdentity('bob')
    const json = a.toJSON()
    const cases: Array<[Partial<IdentityJSON> & Record<string, unknown>, string]> = [
      [{ ...json, name: 'mallory' }, 'ERR_NAME_SIGNATURE_INVALID'],
      [{ ...json, name: 'bob', nameSignature: b.toJSON().nameSignature }, 'ERR_NAME_SIGNATURE_INVALID'],
      [{ ...json, id: b.id }, 'ERR_INVALID_IDENTITY'],
      [{ ...json, publicKey: b.toJSON().publicKey }, 'ERR_INVALID_IDENTITY'],
      [{ ...json, publicKey: b.toJSON().publicKey, id: b.id }, 'ERR_NAME_SIGNATURE_INVALID'],
      [{ ...json, version: 2 as 1 }, 'ERR_INVALID_IDENTITY'],
      [{ ...json, publicKey: json.publicKey.slice(2) }, 'ERR_INVALID_IDENTITY'],
      [{ ...json, nameSignature: 'zz' + json.nameSignature.slice(2) }, 'ERR_INVALID_IDENTITY'],
      [{ ...json, name: ' alice' }, 'ERR_INVALID_NAME']
    ]
    for (const [input, code] of cases) await expect(identityFromJSON(input)).rejects.toMatchObject({ code })
    await expect(identityFromJSON('{not json')).rejects.toMatchObject({ code: 'ERR_INVALID_IDENTITY' })
  })

  it('refuses public keys that are not curve points or are of small order', async () => {
    const a = generateIdentity('alice')
    const notAPoint = new Uint8Array(32).fill(0xff) // y >= p: not a canonical encoding
    const smallOrder = new Uint8Array(32)
    smallOrder[0] = 1 // the neutral point (0, 1)
    for (const pk of [notAPoint, smallOrder]) {
      await expect(identityFromParts(pk, 'x', a.nameSignature)).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' })
    }
  })
})
