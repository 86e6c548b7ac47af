import { generateIdentity, verify } from '@pipes/identity'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeWire, entryIdOfUnsigned, splitWire } from '../src/entry-codec.js'
import { checkEntryShape } from '../src/entry-rules.js'
import {
  attachEntrySignature, decodeEntry, encodeEntry, encodeUnsignedEntry, entryMessageId, entrySigningBytes, ENTRY_VERSION, FLAG_PERSISTENT
} from '../src/index.js'
import type { EntryRules } from '../src/entry-rules.js'

const alice = generateIdentity('alice')
const enc = (t: string): Uint8Array => new TextEncoder().encode(t)
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

const rules: EntryRules = { network: 'net', pipeline: 'log', flags: FLAG_PERSISTENT, maxPayloadBytes: 1024, maxClockSkewMs: 60_000, chained: true }

describe('entry format', () => {
  it('round-trips every field and carries the format version', async () => {
    const prev = new Uint8Array(32).fill(7)
    const { wire, id } = await encodeEntry(alice, { network: 'net', pipeline: 'log', seq: 2, prev, time: 1_700_000_000_000, counter: 3, flags: FLAG_PERSISTENT, keyEpoch: 0, payload: enc('hi') })
    const e = decodeEntry(wire)
    expect(e).toMatchObject({ version: ENTRY_VERSION, network: 'net', pipeline: 'log', authorName: 'alice', seq: 2, time: 1_700_000_000_000, counter: 3, flags: FLAG_PERSISTENT, keyEpoch: 0, id })
    expect(hex(e?.author as Uint8Array)).toBe(hex(alice.publicKey))
    expect(hex(e?.prev as Uint8Array)).toBe(hex(prev))
    expect(new TextDecoder().decode(e?.payload)).toBe('hi')
    expect(id).toMatch(/^[0-9a-f]{64}$/)
  })

  it('the id is the gossipsub message id and does not depend on the signature bytes', async () => {
    const { wire, id } = await encodeEntry(alice, { network: 'net', pipeline: 'log', seq: 1, time: 1, flags: FLAG_PERSISTENT, payload: enc('x') })
    expect(hex(entryMessageId(wire))).toBe(id)
    const parts = splitWire(wire)
    expect(parts).toBeDefined()
    expect(hex(entryIdOfUnsigned(parts?.unsigned as Uint8Array))).toBe(id)
    const forged = attachEntrySignature(parts?.unsigned as Uint8Array, new Uint8Array(64))
    expect(decodeEntry(forged)?.id).toBe(id)
  })

  it('the signature covers a domain tag, the network and the pipeline: a changed network or pipeline does not verify', async () => {
    const { wire } = await encodeEntry(alice, { network: 'net', pipeline: 'log', seq: 1, time: 1, flags: FLAG_PERSISTENT, payload: enc('x') })
    const w = decodeWire(wire)
    if (w === undefined) throw new Error('no entry')
    expect(await verify(alice.publicKey, entrySigningBytes(w.unsigned), w.signature)).toBe(true)
    // the raw unsigned bytes (no domain tag) are not what was signed
    expect(await verify(alice.publicKey, w.unsigned, w.signature)).toBe(false)
    for (const change of [{ network: 'other' }, { pipeline: 'other' }]) {
      const moved = encodeUnsignedEntry({ ...w.entry, ...change })
      expect(await verify(alice.publicKey, entrySigningBytes(moved), w.signature)).toBe(false)
    }
  })

  it('refuses bytes whose last field is not a 64-byte signature, and a second signature field', async () => {
    const { wire } = await encodeEntry(alice, { network: 'net', pipeline: 'log', seq: 1, time: 1, flags: FLAG_PERSISTENT, payload: enc('x') })
    expect(decodeWire(wire.subarray(0, wire.length - 1))).toBeUndefined()
    const twice = new Uint8Array(wire.length * 2)
    twice.set(wire)
    twice.set(wire, wire.length)
    expect(decodeWire(twice)).toBeUndefined()
  })

  it('decoding never throws on arbitrary bytes (fast-check)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      const w = decodeWire(bytes)
      if (w !== undefined) expect(w.id).toHaveLength(32)
      entryMessageId(bytes)
    }), { numRuns: 2000 })
  })

  it('shape rules: each broken field has its reason', async () => {
    const now = Date.now()
    const base = decodeWire((await encodeEntry(alice, { network: 'net', pipeline: 'log', seq: 1, time: now, flags: FLAG_PERSISTENT, payload: enc('x') })).wire)?.entry
    if (base === undefined) throw new Error('no entry')
    expect(checkEntryShape(base, rules, now)).toBeUndefined()
    const cases: Array<[Partial<typeof base>, string]> = [
      [{ version: 2 }, 'unsupported-version'],
      [{ network: 'x' }, 'wrong-network'],
      [{ pipeline: 'x' }, 'wrong-pipeline'],
      [{ flags: 0 }, 'wrong-kind'],
      [{ flags: FLAG_PERSISTENT | 64 }, 'malformed'],
      [{ author: new Uint8Array(31) }, 'malformed'],
      [{ nameSignature: new Uint8Array(3) }, 'malformed'],
      [{ authorName: '' }, 'malformed'],
      [{ seq: 0 }, 'malformed'],
      [{ prev: new Uint8Array(32) }, 'malformed'],
      [{ seq: 2 }, 'malformed'],
      [{ time: now + 120_000 }, 'future-time'],
      [{ time: 0 }, 'malformed'],
      [{ keyEpoch: 1 }, 'malformed'],
      [{ payload: new Uint8Array(1025) }, 'too-large']
    ]
    for (const [change, reason] of cases) expect(checkEntryShape({ ...base, ...change }, rules, now), JSON.stringify(Object.keys(change))).toBe(reason)
  })
})
