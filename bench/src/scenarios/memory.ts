/**
 * Scenario 6, memory: the peak RSS of a Pipes node holding 100,000 entries
 * (it wrote them itself) and of a node catching up on all of them, each in a
 * child process of its own so the figure is that node's alone; an idle node
 * (pipeline open, no entries) is measured beside them for reference.
 */
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MemoryChildReport, MemoryChildRequest } from '../memory-child.js'
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js'
import { summarize } from '../stats.js'
import { withTimeout } from '@pipes/test-support'

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'memory-child.js')

/** A forked node process and its first report. */
interface Child {
  proc: ChildProcess
  report: MemoryChildReport
  stop: () => Promise<void>
}

async function startChild (req: MemoryChildRequest, timeoutMs: number): Promise<Child> {
  const proc = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const exited = new Promise<void>((resolve) => proc.once('exit', () => { resolve() }))
  const stop = async (): Promise<void> => {
    if (proc.exitCode != null || proc.signalCode != null) return
    if (proc.connected) proc.send('exit')
    await withTimeout(exited, 15_000, 'memory child exiting').catch(() => { proc.kill('SIGKILL') })
  }
  try {
    const report = await withTimeout(new Promise<MemoryChildReport>((resolve, reject) => {
      proc.once('message', (m) => { resolve(m as MemoryChildReport) })
      proc.once('exit', (code) => { reject(new Error(`memory child (${req.role}) exited with code ${String(code)} before reporting`)) })
      proc.once('error', reject)
      proc.send(req)
    }), timeoutMs, `memory child (${req.role})`)
    if (!report.ok) throw new Error(`memory child (${req.role}) failed: ${report.error ?? 'no reason given'}`)
    return { proc, report, stop }
  } catch (err) {
    proc.kill('SIGKILL')
    throw err
  }
}

const MiB = 2 ** 20

export const memory: Scenario = {
  id: 'memory',
  title: 'Memory',
  async run (ctx: ScenarioContext) {
    const count = ctx.quick ? 1_000 : 100_000
    const idle: number[] = []
    const holding: number[] = []
    const catching: number[] = []
    let failedSessions = 0
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      const dir = await ctx.tempDir()
      const networkId = `bench-memory-${process.pid}-${rep}`
      if (!ctx.quick) {
        ctx.progress(`memory: idle node run ${rep}/${ctx.repeats}`)
        const empty = await startChild({ role: 'idle', count: 0, dir, networkId }, 60_000)
        idle.push(empty.report.maxRssBytes / MiB)
        await empty.stop()
      }
      ctx.progress(`memory: node writing and holding ${count.toLocaleString('en-US')} entries, run ${rep}/${ctx.repeats}`)
      const holder = await startChild({ role: 'hold', count, dir, networkId }, 600_000)
      try {
        holding.push(holder.report.maxRssBytes / MiB)
        ctx.progress(`memory: node catching up on them, run ${rep}/${ctx.repeats}`)
        const catcher = await startChild({
          role: 'catch-up',
          count,
          dir,
          networkId,
          ...(holder.report.address != null ? { address: holder.report.address } : {}),
          ...(holder.report.peerId != null ? { holderPeerId: holder.report.peerId } : {})
        }, 600_000)
        catching.push(catcher.report.maxRssBytes / MiB)
        failedSessions += catcher.report.failedSyncSessions ?? 0
        await catcher.stop()
      } finally {
        await holder.stop()
      }
    }
    const row = (system: string, metric: string, values: number[]): ResultRow => ({
      scenario: 'memory',
      case: `${count.toLocaleString('en-US')} entries × 1 KiB, one node per process`,
      system,
      metric,
      unit: 'MiB',
      better: 'lower',
      summary: summarize(values)
    })
    return [
      ...(idle.length > 0 ? [row('pipes node, idle', 'peak RSS (reference)', idle)] : []),
      row('pipes node, holding all', 'peak RSS', holding),
      {
        ...row('pipes node, catching up', 'peak RSS', catching),
        ...(failedSessions > 0 ? { note: `${failedSessions} sync sessions failed part-way and were retried (resync every 1 s here)` } : {})
      }
    ]
  }
}
