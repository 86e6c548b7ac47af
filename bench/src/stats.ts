/**
 * Small statistics over repeated measurements: median, spread and percentiles.
 * Every function copies its input before sorting, so callers keep their order.
 */

/** Median, spread and sample count of one figure measured several times. */
export interface Summary {
  median: number
  min: number
  max: number
  samples: number[]
}

function sorted (values: readonly number[]): number[] {
  const finite = values.filter((v) => Number.isFinite(v))
  return finite.sort((a, b) => a - b)
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) by linear interpolation between the two
 * closest ranks (the same rule as NumPy's default). NaN for an empty input.
 */
export function percentile (values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`)
  const s = sorted(values)
  if (s.length === 0) return Number.NaN
  const rank = (p / 100) * (s.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  const a = s[lo] as number
  const b = s[hi] as number
  return a + (b - a) * (rank - lo)
}

/** The median: the middle value, or the mean of the two middle values. */
export function median (values: readonly number[]): number {
  return percentile(values, 50)
}

/** Median and min–max of repeated measurements (non-finite values are left out). */
export function summarize (values: readonly number[]): Summary {
  const s = sorted(values)
  return {
    median: median(s),
    min: s.length > 0 ? (s[0] as number) : Number.NaN,
    max: s.length > 0 ? (s[s.length - 1] as number) : Number.NaN,
    samples: [...values]
  }
}

/** Arithmetic mean; NaN for an empty input. */
export function mean (values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  let total = 0
  for (const v of values) total += v
  return total / values.length
}
