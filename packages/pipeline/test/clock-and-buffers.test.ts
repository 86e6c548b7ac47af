import { describe, expect, it } from 'vitest'
import { GapBuffer } from '../src/gap-buffer.js'
import { compareHlc, HybridClock } from '../src/index.js'
import type { VerifiedEntry } from '../src/entry-verify.js'

describe('hybrid logical clock', () => {
  it('ticks strictly upward when the wall clock stands still or steps back', () => {
    let wall = 1000
    const clock = new HybridClock(() => wall)
    const a = clock.tick()
    const b = clock.tick()
    wall = 500
    const c = clock.tick()
    wall = 2000
    const d = clock.tick()
    expect(compareHlc(b, a)).toBeGreaterThan(0)
    expect(compareHlc(c, b)).toBeGreaterThan(0)
    expect(compareHlc(d, c)).toBeGreaterThan(0)
    expect(d).toEqual({ time: 2000, counter: 0 })
  })

  it('moves past observed times, at most the margin past the wall clock', () => {
    const clock = new HybridClock(() => 1000, 1000)
    clock.observe({ time: 1500, counter: 9 })
    expect(compareHlc(clock.tick(), { time: 1500, counter: 9 })).toBeGreaterThan(0)
    clock.observe({ time: 10, counter: 0 })
    expect(clock.peek().time).toBe(1500)
    // a time far ahead moves the clock only to wall + margin
    clock.observe({ time: 120_000, counter: 3 })
    expect(clock.peek()).toEqual({ time: 2000, counter: 0 })
  })

  it('restores our own last time unclamped, so our times never go back', () => {
    const clock = new HybridClock(() => 1000, 1000)
    clock.restore({ time: 9000, counter: 2 })
    expect(compareHlc(clock.tick(), { time: 9000, counter: 2 })).toBeGreaterThan(0)
  })
})

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
