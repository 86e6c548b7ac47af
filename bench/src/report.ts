/**
 * The report: one plain-text table for people (stdout) and the same figures
 * as JSON with the machine they were measured on.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem, platform, release } from 'node:os'
import { dirname } from 'node:path'
import type { ResultRow } from './scenario.js'

/** Where the figures were measured. */
export interface MachineInfo {
  cpuModel: string
  cores: number
  totalMemoryGiB: number
  node: string
  os: string
  gitCommit: string
  /** Whether the work tree had uncommitted changes. */
  gitDirty: boolean
}

function git (args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim()
  } catch {
    return ''
  }
}

/** Describes this machine and the code under test. */
export function machineInfo (): MachineInfo {
  const list = cpus()
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    totalMemoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
    gitCommit: git(['rev-parse', 'HEAD']) || 'unknown',
    gitDirty: git(['status', '--porcelain', '--untracked-files=no']) !== ''
  }
}

/** A figure with at most 3 significant digits below 100 and thousands separators above. */
export function formatNumber (value: number): string {
  if (!Number.isFinite(value)) return '–'
  const abs = Math.abs(value)
  if (abs >= 100) return Math.round(value).toLocaleString('en-US')
  if (abs >= 10) return value.toFixed(1)
  if (abs >= 1) return value.toFixed(2)
  return value.toPrecision(2)
}

function ratioText (ratio: number | undefined): string {
  return ratio == null || !Number.isFinite(ratio) ? '' : `${ratio.toFixed(2)}×`
}

/** The table: one line per row, scenario and case written once per group. */
export function formatTable (rows: readonly ResultRow[]): string {
  const header = ['scenario', 'case', 'system', 'metric', 'median', 'min–max', 'lost', 'pipes ÷ this', 'target']
  const lines: string[][] = []
  let lastScenario = ''
  let lastCase = ''
  for (const r of rows) {
    const newScenario = r.scenario !== lastScenario
    const newCase = newScenario || r.case !== lastCase
    lastScenario = r.scenario
    lastCase = r.case
    const target = r.target == null ? '' : `${r.target.text}: ${r.target.met ? 'met' : 'NOT met'}`
    lines.push([
      newScenario ? r.scenario : '',
      newCase ? r.case : '',
      r.system,
      `${r.metric}`,
      `${formatNumber(r.summary.median)} ${r.unit}`,
      `${formatNumber(r.summary.min)}–${formatNumber(r.summary.max)}`,
      r.lost == null ? '' : String(r.lost),
      ratioText(r.ratio),
      target + (r.note != null ? (target !== '' ? '; ' : '') + r.note : '')
    ])
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)))
  const pad = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  const out = [pad(header), pad(widths.map((w) => '-'.repeat(w)))]
  let prev = ''
  lines.forEach((l, i) => {
    const scenario = rows[i]?.scenario ?? ''
    if (i > 0 && scenario !== prev) out.push('')
    prev = scenario
    out.push(pad(l))
  })
  return out.join('\n')
}

/** A failure that kept a scenario from finishing. */
export interface ScenarioError {
  scenario: string
  message: string
}

/** Everything one run wrote to `results/latest.json`. */
export interface BenchReport {
  startedAt: string
  durationSeconds: number
  quick: boolean
  repeats: number
  only?: string
  machine: MachineInfo
  rows: ResultRow[]
  errors: ScenarioError[]
  warnings: string[]
}

/** Writes the report as pretty JSON, creating the folder if needed. */
export async function writeReport (path: string, report: BenchReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, JSON.stringify(report, null, 2) + '\n')
}
