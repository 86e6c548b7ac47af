/**
 * What a scenario is and what it hands back: rows of figures, each the
 * summary of repeated runs, with the ratio to its baseline and its target.
 */
import type { Summary } from './stats.js'

/** What every scenario gets from the runner. */
export interface ScenarioContext {
  /** Small sizes, for CI: everything together well under a minute. */
  quick: boolean
  /** How many times each measurement is repeated (≥ 3). */
  repeats: number
  /** A line of progress for the person watching (stderr). */
  progress: (message: string) => void
  /** A fresh temporary directory, removed when the run ends. */
  tempDir: () => Promise<string>
}

/** A target printed beside a figure: a direction, a threshold, and whether the figure meets it. */
export interface Target {
  text: string
  met: boolean
}

/** One line of the table. */
export interface ResultRow {
  scenario: string
  case: string
  system: string
  metric: string
  unit: string
  better: 'higher' | 'lower'
  summary: Summary
  /** Packets or entries lost, summed over the repetitions (absent where loss does not apply). */
  lost?: number
  /** Pipes median ÷ this row's median, on baseline rows. */
  ratio?: number
  target?: Target
  note?: string
}

/** A benchmark scenario. */
export interface Scenario {
  id: string
  title: string
  run: (ctx: ScenarioContext) => Promise<ResultRow[]>
}

/** Pipes ÷ baseline medians, the figure the targets speak about. */
export function ratioOf (pipes: ResultRow, baseline: ResultRow): number {
  return pipes.summary.median / baseline.summary.median
}

/** Which row a group's target compares Pipes against, and how. */
export interface TargetRule {
  /** System label of the baseline row the target names. */
  against: string
  text: string
  meets: (ratio: number) => boolean
}

/**
 * Puts the Pipes ÷ baseline ratio on every baseline row of a group (the rows
 * of one case and metric) and the target verdict on the Pipes row.
 */
export function compareGroup (group: ResultRow[], target?: TargetRule): ResultRow[] {
  const pipes = group.find((r) => r.system.startsWith('pipes'))
  if (pipes == null) return group
  for (const row of group) {
    if (row !== pipes) row.ratio = ratioOf(pipes, row)
  }
  if (target != null) {
    const base = group.find((r) => r.system === target.against)
    if (base?.ratio != null) pipes.target = { text: target.text, met: target.meets(base.ratio) }
  }
  return group
}
