import { bytesToHex, generateIdentity, utf8Decode, utf8Encode } from '@pipes/identity'
import { describe, expect, it } from 'vitest'
import { PAIR_TAG_BYTES, PairCodec, pairKey } from '../../src/secure/pair-codec.js'
import { entryOf } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'

const alice = generateIdentity('alice')
const bob = generateIdentity('bob')
const carol = generateIdentity('carol')
const NET = 'net-p2p'
/** FLAG_PERSISTENT | FLAG_ENCRYPTED | FLAG_POINT_TO_POINT of the entry format. */
const flags = 1 | 2 | 4
const FLAG_POINT_TO_POINT = 4

function envelope (codec: PairCodec, from: LocalIdentity, text: string, seq = 1) {
  const { payload } = codec.encode(utf8Encode(text), { author: from.publicKey, seq })
  return entryOf({ author: from.publicKey, seq, payload, flags })
}

describe('pair key', () => {
  it('is the same on both ends and different for every other pair and network', () => {
    const ab = bytesToHex(pairKey(alice, bob.public(), NET))
    expect(bytesToHex(pairKey(bob, alice.public(), NET))).toBe(ab)
    expect(bytesToHex(pairKey(alice, carol.public(), NET))).not.toBe(ab)
    expect(bytesToHex(pairKey(carol, bob.public(), NET))).not.toBe(ab)
    expect(bytesToHex(pairKey(alice, bob.public(), 'other-net'))).not.toBe(ab)
  })
})

describe('point-to-point envelope codec', () => {
  const atAlice = new PairCodec(alice, bob.public(), NET, 'dm', 6)
  const atBob = new PairCodec(bob, alice.public(), NET, 'dm', 6)

  it('opens at the other end, both directions; the sender can read its own envelopes', () => {
    expect(utf8Decode(atBob.decode(envelope(atAlice, alice, 'hi bob')))).toBe('hi bob')
    expect(utf8Decode(atAlice.decode(envelope(atBob, bob, 'hi alice')))).toBe('hi alice')
    expect(utf8Decode(atAlice.decode(envelope(atAlice, alice, 'mine')))).toBe('mine')
    expect(atAlice.flags & FLAG_POINT_TO_POINT).toBe(FLAG_POINT_TO_POINT)
  })

  it('carries no plaintext, and a tag the recipient computes from the author and seq', () => {
    const e = envelope(atAlice, alice, 'MARKER-private', 7)
    expect(atBob.matches(e.payload, alice.publicKey, 7)).toBe(true)
    expect(e.payload.subarray(0, PAIR_TAG_BYTES)).toEqual(atBob.tagOf(alice.publicKey, 7))
    expect(e.payload.length).toBe(utf8Encode('MARKER-private').length + atAlice.overheadBytes)
    expect(Buffer.from(e.payload).includes('MARKER')).toBe(false)
    expect(atBob.matches(e.payload, alice.publicKey, 8)).toBe(false)
    expect(atBob.matches(e.payload, carol.publicKey, 7)).toBe(false)
    expect(new PairCodec(bob, alice.public(), NET, 'other').matches(e.payload, alice.publicKey, 7)).toBe(false)
    expect(new PairCodec(carol, alice.public(), NET, 'dm').matches(e.payload, alice.publicKey, 7)).toBe(false)
  })

  // Regression: one tag for both directions and every envelope let every mailbox holder link a conversation.
  it('every envelope carries another tag: no two seqs, directions or pipelines share one', () => {
    const tags = new Set<string>()
    for (let seq = 1; seq <= 50; seq++) {
      tags.add(bytesToHex(envelope(atAlice, alice, 'a', seq).payload.subarray(0, PAIR_TAG_BYTES)))
      tags.add(bytesToHex(envelope(atBob, bob, 'b', seq).payload.subarray(0, PAIR_TAG_BYTES)))
      const other = new PairCodec(alice, bob.public(), NET, 'dm2')
      tags.add(bytesToHex(envelope(other, alice, 'c', seq).payload.subarray(0, PAIR_TAG_BYTES)))
    }
    expect(tags.size).toBe(150)
  })

  it('cannot be opened by a third identity, whatever pair it tries', () => {
    const e = envelope(atAlice, alice, 'hi bob')
    for (const c of [new PairCodec(carol, alice.public(), NET, 'dm'), new PairCodec(carol, bob.public(), NET, 'dm')]) {
      expect(() => c.decode(e)).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    }
  })

  it('refuses envelopes by a third author, moved to another seq, or tampered', () => {
    const e = envelope(atAlice, alice, 'hi bob', 3)
    expect(() => atBob.decode({ ...e, author: carol.publicKey })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    expect(() => atBob.decode({ ...e, seq: 4 })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    // bob re-posting alice's envelope as his own: the recipient in the associated data changes
    expect(() => atAlice.decode({ ...e, author: bob.publicKey })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    for (let i = PAIR_TAG_BYTES; i < e.payload.length; i += 5) {
      const payload = e.payload.slice()
      payload[i] = (payload[i] as number) ^ 0x80
      expect(() => atBob.decode({ ...e, payload })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
    }
    expect(() => atBob.decode({ ...e, payload: e.payload.slice(0, 20) })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' }))
  })
})
