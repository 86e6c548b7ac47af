import { generateIdentity, randomBytes, utf8Decode, utf8Encode } from '@pipes/identity'
import { describe, expect, it } from 'vitest'
import { EncryptedCodec, staticKeyring } from '../../src/secure/encrypted-codec.js'
import { pipelineKeyFromSharedKey } from '../../src/secure/pipeline-key.js'
import { FLAGS, entryOf, scope } from './helpers.js'

const alice = generateIdentity('alice')
const bob = generateIdentity('bob')

function sealed (codec: EncryptedCodec, text: string, seq = 1) {
  const { payload, keyEpoch } = codec.encode(utf8Encode(text), { author: alice.publicKey, seq })
  return entryOf({ author: alice.publicKey, seq, payload, keyEpoch })
}

describe('encrypted payload codec', () => {
  const key = pipelineKeyFromSharedKey(randomBytes(32), scope)
  const codec = new EncryptedCodec(scope, staticKeyring(key), FLAGS)

  it('seals in the current epoch and opens with the same keyring; the payload holds no plaintext', () => {
    const entry = sealed(codec, 'MARKER-secret-text')
    expect(entry.keyEpoch).toBe(1)
    expect(entry.payload.length).toBe(utf8Encode('MARKER-secret-text').length + codec.overheadBytes)
    expect(Buffer.from(entry.payload).includes('MARKER')).toBe(false)
    expect(utf8Decode(codec.decode(entry) as Uint8Array)).toBe('MARKER-secret-text')
  })

  it('gives a different ciphertext each time (random nonce)', () => {
    expect(Buffer.from(sealed(codec, 'same').payload).equals(Buffer.from(sealed(codec, 'same').payload))).toBe(false)
  })

  it('refuses a ciphertext moved to another entry: author, seq, epoch, pipeline, network or flags', () => {
    const entry = sealed(codec, 'hello', 5)
    const moved = [
      { ...entry, author: bob.publicKey },
      { ...entry, seq: 6 },
      { ...entry, flags: FLAGS | 4 }
    ]
    for (const m of moved) expect(() => codec.decode(m)).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    // the same key used on another pipeline or network (the associated data differs)
    for (const other of [{ ...scope, pipeline: 'ROOM2' }, { ...scope, network: 'other-net' }]) {
      const elsewhere = new EncryptedCodec(other, staticKeyring(key), FLAGS)
      expect(() => elsewhere.decode(entry)).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    }
    // another epoch than the key it names
    expect(() => codec.decode({ ...entry, keyEpoch: 2 })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
  })

  it('refuses tampered and truncated payloads; a payload sealed with another key waits', () => {
    const entry = sealed(codec, 'hello')
    for (let i = 0; i < entry.payload.length; i += 3) {
      const payload = entry.payload.slice()
      payload[i] = (payload[i] as number) ^ 1
      // an altered key id names a key nobody holds: the entry waits (only its signing author can make one)
      const code = i >= 1 && i <= 8 ? 'ERR_KEY_UNAVAILABLE' : 'ERR_PAYLOAD_AUTH_FAILED'
      expect(() => codec.decode({ ...entry, payload })).toThrow(expect.objectContaining({ code }))
    }
    for (const len of [0, 10, 39]) {
      expect(() => codec.decode({ ...entry, payload: entry.payload.slice(0, len) })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    }
    const stranger = new EncryptedCodec(scope, staticKeyring(pipelineKeyFromSharedKey(randomBytes(32), scope)), FLAGS)
    // sealed with another key: a key this reader does not hold, so the entry waits (never dropped)
    expect(() => stranger.decode(entry)).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNAVAILABLE' }))
  })

  it('tells "a key I do not hold yet" (named by its id) apart from a failed authentication', () => {
    const writer = new EncryptedCodec(scope, staticKeyring(pipelineKeyFromSharedKey(randomBytes(32), scope)), FLAGS)
    let err: unknown
    try { codec.decode(sealed(writer, 'hello')) } catch (e) { err = e }
    expect(err).toMatchObject({ code: 'ERR_KEY_UNAVAILABLE', epoch: 1, name: 'KeyUnavailableError' })
  })

  it('finds the key an entry names among the keys held for one epoch', () => {
    const k2 = pipelineKeyFromSharedKey(randomBytes(32), scope)
    const writer = new EncryptedCodec(scope, staticKeyring(k2), FLAGS)
    const both = [staticKeyring(key), staticKeyring(k2)]
    const reader = new EncryptedCodec(scope, { current: () => undefined, byId: (id) => both.map(k => k.byId(id)).find(k => k !== undefined) }, FLAGS)
    expect(utf8Decode(reader.decode(sealed(writer, 'two keys')) as Uint8Array)).toBe('two keys')
    expect(utf8Decode(reader.decode(sealed(codec, 'the other')) as Uint8Array)).toBe('the other')
  })

  it('refuses to seal without a current key (typed error)', () => {
    const none = new EncryptedCodec(scope, { current: () => undefined, byId: () => undefined }, FLAGS)
    expect(() => none.encode(utf8Encode('x'), { author: alice.publicKey, seq: 1 })).toThrow(expect.objectContaining({ code: 'ERR_NOT_MEMBER' }))
  })
})
