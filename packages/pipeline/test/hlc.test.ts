import { describe, expect, it } from 'vitest'
import { compareHlc, HybridClock } from '../src/index.js'

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
