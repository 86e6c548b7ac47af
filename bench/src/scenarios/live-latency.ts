/**
 * Scenario 2, live latency: 1 KiB packets paced at 200/s for 10 s from one
 * author to 4 peers; p50 and p99 publish-to-listener latency for the Pipes
 * live pipeline and bare gossipsub signed and unsigned.
 */
import { LiveHarness } from '../live-driver.js'
import type { LatencyRun } from '../live-driver.js'
import { LIVE_LABEL, startLiveSwarm } from '../live-swarm.js'
import type { LiveSwarm, LiveSystemKind } from '../live-swarm.js'
import { compareGroup } from '../scenario.js'
import type { ResultRow, Scenario } from '../scenario.js'
import { percentile, summarize } from '../stats.js'
import { liveRunNote } from './notes.js'

const SYSTEMS: LiveSystemKind[] = ['pipes', 'StrictSign', 'StrictNoSign']
const SIZE = 1024
const RATE = 200
const PEERS = 4

export const liveLatency: Scenario = {
  id: 'live-latency',
  title: 'Live latency',
  async run (ctx) {
    const seconds = ctx.quick ? 0.5 : 10
    const count = Math.round(RATE * seconds)
    const caseName = `${PEERS} peers, 1 KiB at ${RATE}/s for ${seconds} s`
    const swarms = new Map<LiveSystemKind, { swarm: LiveSwarm, harness: LiveHarness }>()
    const runs = new Map<LiveSystemKind, LatencyRun[]>(SYSTEMS.map((s) => [s, []]))
    try {
      for (const kind of SYSTEMS) {
        ctx.progress(`live-latency: starting ${LIVE_LABEL[kind]}`)
        const swarm = await startLiveSwarm(kind, PEERS + 1, await ctx.tempDir())
        swarms.set(kind, { swarm, harness: new LiveHarness(swarm) })
      }
      for (let rep = 1; rep <= ctx.repeats; rep++) {
        for (const kind of SYSTEMS) {
          ctx.progress(`live-latency: ${LIVE_LABEL[kind]} run ${rep}/${ctx.repeats} (${seconds} s)`)
          const run = await (swarms.get(kind) as { harness: LiveHarness }).harness.paced(count, SIZE, RATE)
          if (run.publishErrors === run.sent) throw new Error(`${LIVE_LABEL[kind]}: every publish failed: ${String(run.firstError)}`)
          runs.get(kind)?.push(run)
        }
      }
    } finally {
      await Promise.allSettled([...swarms.values()].map(async ({ swarm }) => { await swarm.stop() }))
    }
    const rows: ResultRow[] = []
    for (const p of [50, 99]) {
      const group = SYSTEMS.map((kind): ResultRow => {
        const list = runs.get(kind) ?? []
        return {
          scenario: 'live-latency',
          case: caseName,
          system: LIVE_LABEL[kind],
          metric: `p${p} publish→listener`,
          unit: 'ms',
          better: 'lower',
          summary: summarize(list.map((r) => percentile(r.latenciesMs, p))),
          lost: list.reduce((a, r) => a + r.lost, 0),
          ...liveRunNote(list)
        }
      })
      rows.push(...compareGroup(group, p === 99
        ? { against: LIVE_LABEL.StrictSign, text: '≤ 1.2× gossipsub StrictSign', meets: (r) => r <= 1.2 }
        : undefined))
    }
    return rows
  }
}
