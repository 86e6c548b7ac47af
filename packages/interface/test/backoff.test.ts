import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../src/index.js'

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap, jittered within [d/2, d]', () => {
    expect([0, 1, 2, 3].map(a => backoffDelay(a, 1000, 30_000, () => 1))).toEqual([1000, 2000, 4000, 8000])
    expect([0, 1, 2, 3].map(a => backoffDelay(a, 1000, 30_000, () => 0))).toEqual([500, 1000, 2000, 4000])
    // capped: never above maxMs, never below half of it
    expect(backoffDelay(20, 1000, 30_000, () => 1)).toBe(30_000)
    expect(backoffDelay(20, 1000, 30_000, () => 0)).toBe(15_000)
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, 250, 8000)
      expect(d).toBeGreaterThanOrEqual(1000)
      expect(d).toBeLessThanOrEqual(2000)
    }
  })
})
