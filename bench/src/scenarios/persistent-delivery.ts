/**
 * Scenario 3, persistent delivery: 10,000 × 1 KiB written by one author (then
 * by 3 authors at once) with 64 writes in flight each; the time until every
 * other node holds every entry in its store, beside bare gossipsub's time to
 * its last delivery and its loss, under the same write loop.
 */
import { StrictNoSign, StrictSign } from '../baseline/gossipsub.js'
import { bulkWrite } from '../bulk-driver.js'
import type { BulkRun, BulkSwarm } from '../bulk-driver.js'
import { bareBulkSwarm, pipesBulkSwarm } from '../bulk-swarm.js'
import { compareGroup } from '../scenario.js'
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js'
import { summarize } from '../stats.js'

const NODES = 4
const IN_FLIGHT = 64
const SIZE = 1024

type Kind = 'pipes' | typeof StrictSign | typeof StrictNoSign
const SYSTEMS: Kind[] = ['pipes', StrictSign, StrictNoSign]
const LABEL: Record<Kind, string> = {
  pipes: 'pipes persistent pipeline',
  StrictSign: 'gossipsub StrictSign',
  StrictNoSign: 'gossipsub StrictNoSign'
}
const METRIC: Record<Kind, string> = {
  pipes: 'time until all stored everywhere',
  StrictSign: 'time to last delivery',
  StrictNoSign: 'time to last delivery'
}

async function start (kind: Kind, authors: number, ctx: ScenarioContext): Promise<BulkSwarm> {
  return kind === 'pipes' ? await pipesBulkSwarm(NODES, authors, await ctx.tempDir()) : await bareBulkSwarm(NODES, kind)
}

async function runCase (ctx: ScenarioContext, authors: number, total: number): Promise<ResultRow[]> {
  const perAuthor = Math.floor(total / authors)
  const caseName = authors === 1
    ? `1 author → ${NODES - 1} peers, ${perAuthor.toLocaleString('en-US')} × 1 KiB`
    : `${authors} authors at once, ${authors} × ${perAuthor.toLocaleString('en-US')} × 1 KiB, ${NODES} nodes`
  const runs = new Map<Kind, BulkRun[]>(SYSTEMS.map((k) => [k, []]))
  // Full runs start every repetition on fresh nodes and stores; --quick
  // reuses one swarm per system (starting nodes is most of its time).
  const kept = new Map<Kind, BulkSwarm>()
  try {
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      for (const kind of SYSTEMS) {
        ctx.progress(`persistent-delivery ${authors} author(s): ${LABEL[kind]} run ${rep}/${ctx.repeats}`)
        const swarm = kept.get(kind) ?? await start(kind, authors, ctx)
        if (ctx.quick) kept.set(kind, swarm)
        try {
          runs.get(kind)?.push(await bulkWrite(swarm, { authors, perAuthor, size: SIZE, inFlight: IN_FLIGHT, round: ctx.quick ? rep - 1 : 0 }))
        } finally {
          if (!ctx.quick) await swarm.stop()
        }
      }
    }
  } finally {
    await Promise.allSettled([...kept.values()].map(async (s) => { await s.stop() }))
  }
  const rows = SYSTEMS.map((kind): ResultRow => {
    const list = runs.get(kind) ?? []
    const notes: string[] = []
    const stalled = list.filter((r) => r.stalled).length
    if (stalled > 0) notes.push(`${stalled}/${list.length} runs ended with entries missing`)
    const errors = list.reduce((a, r) => a + r.writeErrors, 0)
    if (errors > 0) notes.push(`${errors} write errors (${String(list.find((r) => r.firstError != null)?.firstError)})`)
    return {
      scenario: 'persistent-delivery',
      case: caseName,
      system: LABEL[kind],
      metric: METRIC[kind],
      unit: 's',
      better: 'lower',
      summary: summarize(list.map((r) => r.seconds)),
      lost: list.reduce((a, r) => a + r.lost, 0),
      ...(notes.length > 0 ? { note: notes.join('; ') } : {})
    }
  })
  const pipesLost = rows[0]?.lost ?? 0
  return compareGroup(rows, {
    against: LABEL.StrictSign,
    text: '≤ 1.25× gossipsub StrictSign, 0 lost',
    meets: (r) => r <= 1.25 && pipesLost === 0
  })
}

export const persistentDelivery: Scenario = {
  id: 'persistent-delivery',
  title: 'Persistent delivery',
  async run (ctx) {
    const total = ctx.quick ? 300 : 10_000
    return [...await runCase(ctx, 1, total), ...await runCase(ctx, 3, total)]
  }
}
