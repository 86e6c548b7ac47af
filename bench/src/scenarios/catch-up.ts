/**
 * Scenario 4, catch-up: a peer that was online goes offline while 10,000
 * (then 100,000) 1 KiB entries are written, then rejoins on its own store;
 * entries/s from its redial until it holds them all, beside a raw libp2p
 * stream carrying the same number of bytes between two fresh nodes.
 */
import { performance } from 'node:perf_hooks'
import { rawTransfer } from '../baseline/raw-stream.js'
import { MEASURED, WARMUP, makePayload, readPayload } from '../payload.js'
import { compareGroup } from '../scenario.js'
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js'
import { summarize } from '../stats.js'
import { waitFor, withTimeout } from '@pipes/test-support'
import { Counter, waitForProgress } from '../wait.js'
import { writeAll } from '../writer.js'
import { connectPeers, entryWireBytes, startPipesPeer } from '../pipes-nodes.js'

const SIZE = 1024
const IN_FLIGHT = 64
const PIPELINE = 'bench-catchup'

interface CatchUpRun {
  entriesPerSecond: number
  /** Bytes of one stored entry, as the raw stream should carry. */
  entryBytes: number
  missing: number
  /** Sync sessions of the rejoined peer that failed part-way. */
  failedSessions: number
}

async function pipesCatchUp (ctx: ScenarioContext, count: number): Promise<CatchUpRun> {
  const dir = await ctx.tempDir()
  const networkId = `bench-catchup-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  const author = await startPipesPeer({ dir, networkId })
  try {
    const log = author.node.createPipeline({ name: PIPELINE, persistent: true })
    // The peer is online first and has synced once, then goes away.
    const first = await startPipesPeer({ dir, networkId })
    let reader = first
    try {
      const heard = new Counter()
      first.node.createPipeline({ name: PIPELINE, persistent: true })
        .addPacketListener((p) => { if (readPayload(p.data).kind === WARMUP) heard.add() })
      await connectPeers(first, author)
      await log.putPacket(makePayload(WARMUP, 0, 64))
      await withTimeout(heard.wait(1), 20_000, 'warm-up entry reaching the peer')
    } finally {
      await first.stop()
    }
    ctx.progress(`catch-up ${count.toLocaleString('en-US')}: writing while the peer is offline`)
    await writeAll(async (d) => await log.putPacket(d), count, SIZE, IN_FLIGHT)
    const entryBytes = entryWireBytes(author, PIPELINE, SIZE, count)

    reader = await startPipesPeer({ dir, networkId, identity: first.identity, path: first.path })
    try {
      const got = new Counter()
      const pipeline = reader.node.createPipeline({ name: PIPELINE, persistent: true })
      pipeline.addPacketListener((p) => { if (readPayload(p.data).kind === MEASURED) got.add() })
      ctx.progress(`catch-up ${count.toLocaleString('en-US')}: peer rejoins`)
      const start = performance.now()
      await connectPeers(reader, author)
      const outcome = await waitForProgress(() => got.value >= count, () => got.value, { idleMs: 15_000, totalMs: 600_000 })
      if (outcome === 'done') {
        // Listeners see only durable entries; the restarted node's count of
        // entries it stored confirms it.
        await waitFor(() => reader.node.stats().stored >= count, { timeout: 60_000, interval: 20, message: 'the rejoined peer holding every entry' })
      }
      const seconds = (performance.now() - start) / 1000
      return { entriesPerSecond: got.value / seconds, entryBytes, missing: count - got.value, failedSessions: reader.node.stats().sync.failed }
    } finally {
      await reader.stop()
    }
  } finally {
    await author.stop()
  }
}

async function runCase (ctx: ScenarioContext, count: number): Promise<ResultRow[]> {
  const pipes: CatchUpRun[] = []
  const raw: number[] = []
  for (let rep = 1; rep <= ctx.repeats; rep++) {
    ctx.progress(`catch-up ${count.toLocaleString('en-US')}: pipes run ${rep}/${ctx.repeats}`)
    const run = await pipesCatchUp(ctx, count)
    pipes.push(run)
    ctx.progress(`catch-up ${count.toLocaleString('en-US')}: raw stream run ${rep}/${ctx.repeats} (${count} × ${run.entryBytes} B)`)
    const t = await rawTransfer(count, run.entryBytes)
    raw.push(count / t.seconds)
  }
  const entryBytes = pipes[0]?.entryBytes ?? 0
  const missing = pipes.reduce((a, r) => a + r.missing, 0)
  const failed = pipes.reduce((a, r) => a + r.failedSessions, 0)
  const caseName = `${count.toLocaleString('en-US')} entries × 1 KiB`
  const pipesRate = summarize(pipes.map((r) => r.entriesPerSecond))
  const rows: ResultRow[] = [
    {
      scenario: 'catch-up',
      case: caseName,
      system: 'pipes persistent pipeline',
      metric: 'entries/s until all held',
      unit: 'entries/s',
      better: 'higher',
      summary: pipesRate,
      lost: missing,
      target: { text: '≥ 20,000 entries/s', met: pipesRate.median >= 20_000 && missing === 0 },
      ...(failed > 0 ? { note: `${failed} sync sessions failed part-way` } : {})
    },
    {
      scenario: 'catch-up',
      case: caseName,
      system: 'raw libp2p stream',
      metric: `same bytes (${entryBytes} B per entry)`,
      unit: 'entries/s',
      better: 'higher',
      summary: summarize(raw)
    }
  ]
  return compareGroup(rows)
}

export const catchUp: Scenario = {
  id: 'catch-up',
  title: 'Catch-up',
  async run (ctx) {
    const sizes = ctx.quick ? [300, 1_000] : [10_000, 100_000]
    const rows: ResultRow[] = []
    for (const n of sizes) rows.push(...await runCase(ctx, n))
    return rows
  }
}
