import { describe, expect, it } from 'vitest'
import { GapBuffer } from '../src/gap-buffer.js'
import type { VerifiedEntry } from '../src/entry-verify.js'

const fake = (seq: number, size = 10): VerifiedEntry => ({ entry: { seq } as VerifiedEntry['entry'], wire: new Uint8Array(size) } as VerifiedEntry)

describe('gap buffer', () => {
  it('keeps out-of-order entries until taken, bounded in count and bytes', () => {
    const gap = new GapBuffer(3, 25)
    expect(gap.add('a', fake(5))).toBe(true)
    expect(gap.add('a', fake(5))).toBe(true)
    expect(gap.size).toBe(1)
    expect(gap.add('a', fake(6))).toBe(true)
    expect(gap.add('b', fake(9))).toBe(false) // 30 bytes > 25
    expect(gap.dropped).toBe(1)
    expect(gap.take('a', 5)?.entry.seq).toBe(5)
    expect(gap.take('a', 5)).toBeUndefined()
    gap.dropUpTo('a', 6)
    expect(gap.size).toBe(0)
  })

  it('bounds each author in entries and bytes, so one author cannot fill it for the others', () => {
    const gap = new GapBuffer(100, 10_000, 2, 25)
    expect(gap.add('a', fake(5))).toBe(true)
    expect(gap.add('a', fake(6))).toBe(true)
    expect(gap.add('a', fake(7))).toBe(false) // third entry of one author
    expect(gap.add('b', fake(5, 20))).toBe(true)
    expect(gap.add('b', fake(6, 10))).toBe(false) // 30 bytes of one author > 25
    expect(gap.add('c', fake(5))).toBe(true)
    expect(gap.dropped).toBe(2)
    gap.take('a', 5)
    expect(gap.add('a', fake(7))).toBe(true)
  })
})
