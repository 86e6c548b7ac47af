import { generateIdentity, MAX_NAME_BYTES } from '@pipes/identity'
import { describe, expect, it } from 'vitest'
import { decodeWire } from '../src/entry-codec.js'
import { checkEntryShape } from '../src/entry-rules.js'
import { encodeEntry, FLAG_PERSISTENT } from '../src/index.js'
import type { EntryRules } from '../src/entry-rules.js'

const rules: EntryRules = { network: 'net', pipeline: 'log', flags: FLAG_PERSISTENT, maxPayloadBytes: 1024, maxClockSkewMs: 60_000, chained: true }

// The author-name limit is identity's: MAX_NAME_BYTES of UTF-8, not UTF-16 units.
describe('author name length is counted in UTF-8 bytes', () => {
  it('accepts a 64-byte non-ASCII name and refuses one of 64 characters but 128 bytes', async () => {
    const now = Date.now()
    const longest = 'é'.repeat(MAX_NAME_BYTES / 2)
    const author = generateIdentity(longest)
    const entry = decodeWire((await encodeEntry(author, { network: 'net', pipeline: 'log', seq: 1, time: now, flags: FLAG_PERSISTENT, payload: new Uint8Array(1) })).wire)?.entry
    if (entry === undefined) throw new Error('no entry')
    expect(checkEntryShape(entry, rules, now)).toBeUndefined()
    const tooLong = 'é'.repeat(MAX_NAME_BYTES)
    expect(tooLong.length).toBe(MAX_NAME_BYTES)
    expect(checkEntryShape({ ...entry, authorName: tooLong }, rules, now)).toBe('malformed')
  })
})
