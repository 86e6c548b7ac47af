import { generateIdentity, randomBytes, utf8Decode, utf8Encode } from '@pipes/identity'
import { describe, expect, it } from 'vitest'
import { EncryptedCodec, staticKeyring } from '../../src/secure/encrypted-codec.js'
import { pipelineKeyFromSharedKey } from '../../src/secure/pipeline-key.js'
import { FLAGS, entryOf, scope } from './helpers.js'
import type { Keyring } from '../../src/secure/encrypted-codec.js'

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
    expect(utf8Decode(codec.decode(entry))).toBe('MARKER-secret-text')
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
    // another epoch for which a key is held
    const two: Keyring = { current: () => ({ epoch: 1, key }), keys: () => [key] }
    expect(() => new EncryptedCodec(scope, two, FLAGS).decode({ ...entry, keyEpoch: 2 })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
  })

  it('refuses tampered and truncated payloads, and payloads sealed with another key', () => {
    const entry = sealed(codec, 'hello')
    for (let i = 0; i < entry.payload.length; i += 7) {
      const payload = entry.payload.slice()
      payload[i] = (payload[i] as number) ^ 1
      expect(() => codec.decode({ ...entry, payload })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    }
    for (const len of [0, 10, 39]) {
      expect(() => codec.decode({ ...entry, payload: entry.payload.slice(0, len) })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    }
    const stranger = new EncryptedCodec(scope, staticKeyring(pipelineKeyFromSharedKey(randomBytes(32), scope)), FLAGS)
    expect(() => stranger.decode(entry)).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
  })

  it('tells "no key for this epoch yet" apart from a failed authentication', () => {
    const entry = sealed(codec, 'hello')
    let err: unknown
    try { codec.decode({ ...entry, keyEpoch: 7 }) } catch (e) { err = e }
    expect(err).toMatchObject({ code: 'ERR_KEY_UNAVAILABLE', epoch: 7, name: 'KeyUnavailableError' })
  })

  it('tries every key held for an epoch', () => {
    const k2 = pipelineKeyFromSharedKey(randomBytes(32), scope)
    const writer = new EncryptedCodec(scope, staticKeyring(k2), FLAGS)
    const reader = new EncryptedCodec(scope, { current: () => undefined, keys: () => [key, k2] }, FLAGS)
    expect(utf8Decode(reader.decode(sealed(writer, 'two keys')))).toBe('two keys')
  })

  it('refuses to seal without a current key (typed error)', () => {
    const none = new EncryptedCodec(scope, { current: () => undefined, keys: () => [] }, FLAGS)
    expect(() => none.encode(utf8Encode('x'), { author: alice.publicKey, seq: 1 })).toThrow(expect.objectContaining({ code: 'ERR_NOT_MEMBER' }))
  })
})
