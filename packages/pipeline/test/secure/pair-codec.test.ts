import { bytesToHex, generateIdentity, utf8Decode, utf8Encode } from '@pipes/identity'
import { describe, expect, it } from 'vitest'
import { PAIR_OVERHEAD_BYTES, PAIR_TAG_BYTES, PairCodec, pairKey } from '../../src/secure/pair-codec.js'
import { usableKey } from '../../src/secure/pair-ratchet.js'
import { entryOf } from './helpers.js'
import type { SealedEntry } from '../../src/secure/encrypted-codec.js'
import type { LocalIdentity } from '@pipes/identity'

const alice = generateIdentity('alice')
const bob = generateIdentity('bob')
const carol = generateIdentity('carol')
const NET = 'net-p2p'
/** FLAG_PERSISTENT | FLAG_ENCRYPTED | FLAG_POINT_TO_POINT of the entry format. */
const flags = 1 | 2 | 4
const FLAG_POINT_TO_POINT = 4
const AUTH_FAILED = expect.objectContaining({ code: 'ERR_PAYLOAD_AUTH_FAILED' })

function envelope (codec: PairCodec, from: LocalIdentity, text: string, seq = 1): SealedEntry {
  const { payload } = codec.encode(utf8Encode(text), { author: from.publicKey, seq })
  return entryOf({ author: from.publicKey, seq, payload, flags })
}

const open = (codec: PairCodec, e: SealedEntry): string => utf8Decode(codec.decode(e))

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
  it('opens at the other end, both directions, in seq order; only the peer opens an envelope', () => {
    const atAlice = new PairCodec(alice, bob.public(), NET, 'dm', 6)
    const atBob = new PairCodec(bob, alice.public(), NET, 'dm', 6)
    expect(open(atBob, envelope(atAlice, alice, 'hi bob', 1))).toBe('hi bob')
    expect(open(atBob, envelope(atAlice, alice, 'again', 2))).toBe('again')
    expect(open(atAlice, envelope(atBob, bob, 'hi alice', 1))).toBe('hi alice')
    expect(open(atBob, envelope(atAlice, alice, 'third', 3))).toBe('third')
    // the sender keeps no message key: its pipeline keeps what it sent
    expect(() => atAlice.decode(envelope(atAlice, alice, 'mine', 4))).toThrow(AUTH_FAILED)
    expect(atAlice.flags & FLAG_POINT_TO_POINT).toBe(FLAG_POINT_TO_POINT)
  })

  it('carries no plaintext, and a tag the recipient computes from the author and seq', () => {
    const atAlice = new PairCodec(alice, bob.public(), NET, 'dm', 6)
    const atBob = new PairCodec(bob, alice.public(), NET, 'dm', 6)
    const e = envelope(atAlice, alice, 'MARKER-private', 7)
    expect(atBob.matches(e.payload, alice.publicKey, 7)).toBe(true)
    expect(e.payload.subarray(0, PAIR_TAG_BYTES)).toEqual(atBob.tagOf(alice.publicKey, 7))
    expect(e.payload.length).toBe(utf8Encode('MARKER-private').length + PAIR_OVERHEAD_BYTES)
    expect(Buffer.from(e.payload).includes('MARKER')).toBe(false)
    expect(atBob.matches(e.payload, alice.publicKey, 8)).toBe(false)
    expect(atBob.matches(e.payload, carol.publicKey, 7)).toBe(false)
    expect(new PairCodec(bob, alice.public(), NET, 'other').matches(e.payload, alice.publicKey, 7)).toBe(false)
    expect(new PairCodec(carol, alice.public(), NET, 'dm').matches(e.payload, alice.publicKey, 7)).toBe(false)
  })

  // Regression: one tag for both directions and every envelope let every mailbox holder link a conversation.
  it('every envelope carries another tag: no two seqs, directions or pipelines share one', () => {
    const atAlice = new PairCodec(alice, bob.public(), NET, 'dm')
    const atBob = new PairCodec(bob, alice.public(), NET, 'dm')
    const other = new PairCodec(alice, bob.public(), NET, 'dm2')
    const tags = new Set<string>()
    for (let seq = 1; seq <= 50; seq++) {
      tags.add(bytesToHex(envelope(atAlice, alice, 'a', seq).payload.subarray(0, PAIR_TAG_BYTES)))
      tags.add(bytesToHex(envelope(atBob, bob, 'b', seq).payload.subarray(0, PAIR_TAG_BYTES)))
      tags.add(bytesToHex(envelope(other, alice, 'c', seq).payload.subarray(0, PAIR_TAG_BYTES)))
    }
    expect(tags.size).toBe(150)
  })

  it('cannot be opened by a third identity, whatever pair it tries', () => {
    const e = envelope(new PairCodec(alice, bob.public(), NET, 'dm'), alice, 'hi bob')
    for (const c of [new PairCodec(carol, alice.public(), NET, 'dm'), new PairCodec(carol, bob.public(), NET, 'dm')]) {
      expect(() => c.decode(e)).toThrow(AUTH_FAILED)
    }
  })

  it('refuses envelopes by a third author, moved to another seq, or tampered, and still opens the real one after', () => {
    const atAlice = new PairCodec(alice, bob.public(), NET, 'dm')
    const atBob = new PairCodec(bob, alice.public(), NET, 'dm')
    const e = envelope(atAlice, alice, 'hi bob', 3)
    expect(() => atBob.decode({ ...e, author: carol.publicKey })).toThrow(AUTH_FAILED)
    expect(() => atBob.decode({ ...e, seq: 4 })).toThrow(AUTH_FAILED)
    // bob re-posting alice's envelope as his own
    expect(() => atAlice.decode({ ...e, author: bob.publicKey })).toThrow(AUTH_FAILED)
    for (let i = PAIR_TAG_BYTES; i < e.payload.length; i += 5) {
      const payload = e.payload.slice()
      payload[i] = (payload[i] as number) ^ 0x80
      expect(() => atBob.decode({ ...e, payload })).toThrow(AUTH_FAILED)
    }
    expect(() => atBob.decode({ ...e, payload: e.payload.slice(0, 20) })).toThrow(AUTH_FAILED)
    expect(open(atBob, e)).toBe('hi bob')
    // opened once: its key is gone
    expect(() => atBob.decode(e)).toThrow(AUTH_FAILED)
  })
})

describe('point-to-point ratchet: forward secrecy', () => {
  it('stolen identity keys and ratchet states open none of the envelopes the ends moved past, only the first flight', () => {
    const atAlice = new PairCodec(alice, bob.public(), NET, 'dm')
    const atBob = new PairCodec(bob, alice.public(), NET, 'dm')
    const sent: Array<{ label: string, from: LocalIdentity, e: SealedEntry }> = []
    const seqs = new Map<LocalIdentity, number>()
    const say = (label: string, from: LocalIdentity): void => {
      const seq = (seqs.get(from) ?? 0) + 1
      seqs.set(from, seq)
      const e = envelope(from === alice ? atAlice : atBob, from, label, seq)
      expect(open(from === alice ? atBob : atAlice, e)).toBe(label)
      sent.push({ label, from, e })
    }
    say('early-1', alice)
    say('early-2', alice)
    say('reply-1', bob)
    say('later-1', alice)
    say('later-2', alice)
    say('reply-2', bob)
    say('last', alice)
    // everything both devices hold now, and the identity keys
    const states = { alice: atAlice.ratchet.save(), bob: atBob.ratchet.save() }
    const opened: string[] = []
    for (const { label, from, e } of sent) {
      const thief = from === alice
        ? [new PairCodec(bob, alice.public(), NET, 'dm', 0, states.bob), new PairCodec(bob, alice.public(), NET, 'dm')]
        : [new PairCodec(alice, bob.public(), NET, 'dm', 0, states.alice), new PairCodec(alice, bob.public(), NET, 'dm')]
      for (const c of thief) {
        try {
          opened.push(`${label}:${open(c, e)}`)
          break
        } catch {
          // this key does not open it: try the next
        }
      }
    }
    // the first flight was sealed to bob's identity key (he had published no reply key yet): that key opens it
    expect(opened).toEqual(['early-1:early-1', 'early-2:early-2'])
  })

  it('holds at most the reply keys the peer has not used yet, and survives a save and load at any point', () => {
    let atAlice = new PairCodec(alice, bob.public(), NET, 'dm')
    let atBob = new PairCodec(bob, alice.public(), NET, 'dm')
    const seq = { a: 0, b: 0 }
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i <= round % 3; i++) expect(open(atBob, envelope(atAlice, alice, `a${round}.${i}`, ++seq.a))).toBe(`a${round}.${i}`)
      expect(open(atAlice, envelope(atBob, bob, `b${round}`, ++seq.b))).toBe(`b${round}`)
      atAlice = new PairCodec(alice, bob.public(), NET, 'dm', 0, atAlice.ratchet.save())
      atBob = new PairCodec(bob, alice.public(), NET, 'dm', 0, atBob.ratchet.save())
      expect(atAlice.ratchet.heldKeys).toBeLessThanOrEqual(1)
      expect(atBob.ratchet.heldKeys).toBeLessThanOrEqual(1)
    }
  })
})

describe('point-to-point ratchet: hostile keys', () => {
  it('usableKey, the check on peers\' reply keys and prekeys, refuses a small-order X25519 key; honest keys work', () => {
    const atAlice = new PairCodec(alice, bob.public(), NET, 'dm', 0, undefined, { prekeyOf: () => undefined, secretOf: () => undefined })
    expect(() => usableKey(new Uint8Array(32))).toThrow(expect.objectContaining({ code: 'ERR_KEY_AGREEMENT' }))
    // bob's honest envelope opens; alice then writes to his reply key
    const atBob = new PairCodec(bob, alice.public(), NET, 'dm')
    expect(open(atAlice, envelope(atBob, bob, 'hi', 1))).toBe('hi')
    expect(open(atBob, envelope(atAlice, alice, 'back', 1))).toBe('back')
  })
})
