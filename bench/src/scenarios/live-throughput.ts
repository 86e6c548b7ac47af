/**
 * Scenario 1, live throughput: one author, 1 KiB packets, 2 and 5 nodes, a
 * bounded in-flight window; packets/s at the slowest receiver for the Pipes
 * live pipeline and bare gossipsub signed (StrictSign) and unsigned
 * (StrictNoSign). Loss is counted.
 */
import { LiveHarness } from '../live-driver.js'
import type { ThroughputRun } from '../live-driver.js'
import { LIVE_LABEL, startLiveSwarm } from '../live-swarm.js'
import type { LiveSwarm, LiveSystemKind } from '../live-swarm.js'
import { compareGroup } from '../scenario.js'
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js'
import { summarize } from '../stats.js'
import { liveRunNote } from './notes.js'

const SYSTEMS: LiveSystemKind[] = ['pipes', 'StrictSign', 'StrictNoSign']
const SIZE = 1024
/** Packets sent but not yet at the slowest receiver, at most. */
export const WINDOW = 128

async function runCase (ctx: ScenarioContext, nodes: number, count: number): Promise<ResultRow[]> {
  const caseName = `${nodes} nodes, ${count.toLocaleString('en-US')} × 1 KiB, window ${WINDOW}`
  const swarms = new Map<LiveSystemKind, { swarm: LiveSwarm, harness: LiveHarness }>()
  const runs = new Map<LiveSystemKind, ThroughputRun[]>(SYSTEMS.map((s) => [s, []]))
  try {
    for (const kind of SYSTEMS) {
      ctx.progress(`live-throughput ${nodes} nodes: starting ${LIVE_LABEL[kind]}`)
      const swarm = await startLiveSwarm(kind, nodes, await ctx.tempDir())
      swarms.set(kind, { swarm, harness: new LiveHarness(swarm) })
    }
    // Repetitions interleave the systems, so drift in the machine hits all alike.
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      for (const kind of SYSTEMS) {
        ctx.progress(`live-throughput ${nodes} nodes: ${LIVE_LABEL[kind]} run ${rep}/${ctx.repeats}`)
        const run = await (swarms.get(kind) as { harness: LiveHarness }).harness.burst(count, SIZE, WINDOW)
        if (run.publishErrors === run.sent && run.sent > 0) throw new Error(`${LIVE_LABEL[kind]}: every publish failed: ${String(run.firstError)}`)
        runs.get(kind)?.push(run)
      }
    }
  } finally {
    await Promise.allSettled([...swarms.values()].map(async ({ swarm }) => { await swarm.stop() }))
  }
  const rows = SYSTEMS.map((kind): ResultRow => {
    const list = runs.get(kind) ?? []
    return {
      scenario: 'live-throughput',
      case: caseName,
      system: LIVE_LABEL[kind],
      metric: 'packets/s at slowest receiver',
      unit: 'packets/s',
      better: 'higher',
      summary: summarize(list.map((r) => r.slowestRate)),
      lost: list.reduce((a, r) => a + r.lost, 0),
      ...liveRunNote(list)
    }
  })
  return compareGroup(rows, { against: LIVE_LABEL.StrictSign, text: '≥ 1.0× gossipsub StrictSign', meets: (r) => r >= 1.0 })
}

export const liveThroughput: Scenario = {
  id: 'live-throughput',
  title: 'Live throughput',
  async run (ctx) {
    return [
      ...await runCase(ctx, 2, ctx.quick ? 300 : 10_000),
      ...await runCase(ctx, 5, ctx.quick ? 150 : 3_000)
    ]
  }
}
