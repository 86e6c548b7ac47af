import { describe, expect, it } from 'vitest'
import { mean, median, percentile, summarize } from '../src/stats.js'

describe('median', () => {
  it('takes the middle value of an odd count, whatever the input order', () => {
    expect(median([9, 1, 5])).toBe(5)
  })
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
  it('is NaN for no values', () => {
    expect(median([])).toBeNaN()
  })
})

describe('percentile', () => {
  const hundred = Array.from({ length: 101 }, (_, i) => 100 - i) // 100..0, reversed on purpose
  it('returns the exact rank when it falls on a value', () => {
    expect(percentile(hundred, 99)).toBe(99)
    expect(percentile(hundred, 50)).toBe(50)
    expect(percentile(hundred, 0)).toBe(0)
    expect(percentile(hundred, 100)).toBe(100)
  })
  it('interpolates between the two closest ranks', () => {
    expect(percentile([10, 20], 25)).toBe(12.5)
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 10)
  })
  it('leaves the caller’s array unsorted', () => {
    const values = [3, 1, 2]
    percentile(values, 50)
    expect(values).toEqual([3, 1, 2])
  })
  it('refuses a percentile outside 0..100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError)
    expect(() => percentile([1], -1)).toThrow(RangeError)
  })
})

describe('summarize', () => {
  it('gives median and min–max spread, ignoring non-finite samples', () => {
    const s = summarize([30, 10, Number.NaN, 20])
    expect(s.median).toBe(20)
    expect(s.min).toBe(10)
    expect(s.max).toBe(30)
    expect(s.samples).toHaveLength(4)
  })
  it('mean averages', () => {
    expect(mean([1, 2, 3, 6])).toBe(3)
  })
})
