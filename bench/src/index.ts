/**
 * @packageDocumentation
 * The Pipes benchmarks (private). Run them with `pnpm bench` at the root; this
 * entry only exposes the statistics helpers and report types for reuse.
 *
 * @example
 * ```ts
 * import { median, percentile } from '@pipes/bench'
 * median([3, 1, 2]) // 2
 * percentile([1, 2, 3, 4], 99)
 * ```
 */
export { mean, median, percentile, summarize } from './stats.js'
export type { Summary } from './stats.js'
export type { ResultRow, Target } from './scenario.js'
export type { BenchReport, MachineInfo } from './report.js'
