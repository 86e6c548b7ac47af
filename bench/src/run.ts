/**
 * `pnpm bench`: runs the scenarios, shows progress on stderr, prints one table
 * on stdout and writes the same figures to `bench/results/latest.json`.
 *
 *   pnpm bench                     every scenario, full size, 3 repetitions
 *   pnpm bench --quick             every scenario, small (CI: well under a minute)
 *   pnpm bench --only <scenario>   one scenario (ids below; repeatable)
 *   pnpm bench --repeats <n>       more repetitions (at least 3)
 *   pnpm bench --out <file>        write the JSON elsewhere
 *
 * Exit code: 0 when every scenario finished (whatever its figures), 1 when a
 * scenario failed or the run overran its deadline, 2 for a bad command line.
 */
import '@pipes/transport/polyfills'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { formatTable, machineInfo, writeReport } from './report.js'
import type { BenchReport, ScenarioError } from './report.js'
import type { ResultRow, Scenario, ScenarioContext } from './scenario.js'
import { SCENARIOS } from './scenarios/index.js'

interface Options {
  quick: boolean
  only: string[]
  repeats: number
  out: string
}

const USAGE = `usage: pnpm bench [--quick] [--only <scenario>]... [--repeats <n>] [--out <file>]
scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`

class UsageError extends Error {}

function parseArgs (argv: readonly string[]): Options {
  const here = dirname(fileURLToPath(import.meta.url))
  const opts: Options = { quick: false, only: [], repeats: 3, out: resolve(here, '../results/latest.json') }
  const args = argv.filter((a) => a !== '--')
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = (): string => {
      const v = inline ?? args[++i]
      if (v == null || v === '') throw new UsageError(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--quick': opts.quick = true; break
      case '--only': opts.only.push(...value().split(',')); break
      case '--repeats': {
        const n = Number(value())
        if (!Number.isInteger(n) || n < 3 || n > 50) throw new UsageError('--repeats takes a whole number from 3 to 50')
        opts.repeats = n
        break
      }
      case '--out': opts.out = resolve(value()); break
      case '--help': case '-h': console.log(USAGE); process.exit(0); break
      default: throw new UsageError(`unknown argument ${arg}`)
    }
  }
  for (const id of opts.only) {
    if (!SCENARIOS.some((s) => s.id === id)) throw new UsageError(`unknown scenario ${id}`)
  }
  return opts
}

function elapsed (start: number): string {
  const s = Math.floor((performance.now() - start) / 1000)
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

async function main (): Promise<number> {
  let opts: Options
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`${err.message}\n${USAGE}`)
    return 2
  }
  const start = performance.now()
  const startedAt = new Date().toISOString()
  const progress = (message: string): void => { process.stderr.write(`[${elapsed(start)}] ${message}\n`) }
  const warnings: string[] = []
  const errors: ScenarioError[] = []
  const rows: ResultRow[] = []
  const selected: Scenario[] = opts.only.length > 0 ? SCENARIOS.filter((s) => opts.only.includes(s.id)) : SCENARIOS

  // Stray errors from nodes being torn down are reported, not fatal.
  const stray = (kind: string) => (err: unknown): void => {
    const text = `${kind}: ${err instanceof Error ? err.message : String(err)}`
    if (warnings.length < 50) warnings.push(text)
    progress(`warning: ${text}`)
  }
  process.on('unhandledRejection', stray('unhandled rejection'))
  process.on('uncaughtException', stray('uncaught exception'))

  const root = await mkdtemp(join(tmpdir(), 'pipes-bench-'))
  let dirs = 0
  const report = async (): Promise<void> => {
    const full: BenchReport = {
      startedAt,
      durationSeconds: Math.round((performance.now() - start) / 100) / 10,
      quick: opts.quick,
      repeats: opts.repeats,
      ...(opts.only.length > 0 ? { only: opts.only.join(',') } : {}),
      machine: machineInfo(),
      rows,
      errors,
      warnings
    }
    console.log(`\nPipes bench${opts.quick ? ' --quick' : ''}: ${full.machine.cpuModel}, ${full.machine.cores} cores, Node ${full.machine.node}, commit ${full.machine.gitCommit.slice(0, 10)}${full.machine.gitDirty ? ' (dirty)' : ''}; median of ${opts.repeats} runs\n`)
    console.log(formatTable(rows))
    for (const e of errors) console.log(`\nERROR in ${e.scenario}: ${e.message}`)
    await writeReport(opts.out, full)
    progress(`wrote ${opts.out} (${full.durationSeconds} s)`)
  }

  // The whole run has a deadline: a hang becomes an error, never a stuck CI job.
  const deadlineMs = (opts.quick ? 3 : 90) * 60_000
  const watchdog = setTimeout(() => {
    errors.push({ scenario: 'run', message: `the run overran its ${deadlineMs / 60_000} min deadline` })
    void report().finally(() => { void rm(root, { recursive: true, force: true }).finally(() => process.exit(1)) })
  }, deadlineMs)
  watchdog.unref()

  const ctx: ScenarioContext = {
    quick: opts.quick,
    repeats: opts.repeats,
    progress,
    tempDir: async () => {
      const { mkdir } = await import('node:fs/promises')
      const dir = join(root, String(++dirs))
      await mkdir(dir, { recursive: true })
      return dir
    }
  }
  try {
    for (const [i, scenario] of selected.entries()) {
      progress(`(${i + 1}/${selected.length}) ${scenario.title}`)
      try {
        rows.push(...await scenario.run(ctx))
      } catch (err) {
        const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
        errors.push({ scenario: scenario.id, message })
        progress(`FAILED ${scenario.id}: ${message}`)
      }
    }
    await report()
  } finally {
    clearTimeout(watchdog)
    await rm(root, { recursive: true, force: true }).catch(() => {})
  }
  return errors.length > 0 ? 1 : 0
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err)
  process.exit(1)
})
