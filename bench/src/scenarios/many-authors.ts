/**
 * Scenario 4b, many-author sync: one node holds one entry from each of N
 * authors in one pipeline (a mailbox-like crowd); a fresh empty node
 * connects and syncs them all. Figures: time from the dial until the new
 * node delivered every entry, and the sync bytes each way (vectors, batches
 * and receipts). Beside it, a raw libp2p stream between two fresh bare nodes
 * carries the same entry bytes (one frame per entry), timed from the dial.
 */
import { performance } from 'node:perf_hooks'
import { generateIdentity } from '@pipes/identity'
import { encodeEntry, FLAG_PERSISTENT } from '@pipes/pipeline'
import type { BatchLimits } from '@pipes/pipeline'
import { rawTransfer } from '../baseline/raw-stream.js'
import { compareGroup } from '../scenario.js'
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js'
import { summarize } from '../stats.js'
import { waitFor } from '@pipes/test-support'
import { Counter, waitForProgress } from '../wait.js'
import { connectPeers, startPipesPeer } from '../pipes-nodes.js'
import type { PipesPeer } from '../pipes-nodes.js'

const PIPELINE = 'bench-crowd'
const PAYLOAD = 64
/** Authors made and stored at once while seeding. */
const SEED_WAVE = 512

/** The sync ingest entry point of a stored pipeline's parts (`pipeline.stored`, not public API): how the seed node takes the crowd. */
export interface Ingesting {
  ready: () => Promise<void>
  ingestBatch: (wires: Uint8Array[], from: string, limits: BatchLimits) => Promise<boolean>
  flush: () => Promise<void>
}

/** Result of one many-author sync. */
export interface ManyAuthorRun {
  seconds: number
  /** Sync bytes sent by the node that holds the crowd, and by the empty node. */
  bytesToEmpty: number
  bytesFromEmpty: number
  /** Average wire bytes of one crowd entry (what the raw stream carries per frame). */
  entryBytes: number
  missing: number
  failedSessions: number
}

/**
 * Stores one signed entry from each of `count` fresh authors in the seed
 * node's pipeline, through its sync ingest path (each entry checked as a
 * received one is), and returns the average wire size of an entry.
 */
async function seedCrowd (peer: PipesPeer, count: number, progress: (m: string) => void): Promise<number> {
  const p = (peer.node.createPipeline({ name: PIPELINE, persistent: true }) as unknown as { stored: Ingesting }).stored
  const limits = { maxEntries: 512, maxBytes: 1024 * 1024 }
  const payload = new Uint8Array(PAYLOAD).fill(7)
  // ingest takes nothing before the store is open
  await p.ready()
  let bytes = 0
  for (let i = 0; i < count; i += SEED_WAVE) {
    if (i % (SEED_WAVE * 20) === 0 && i > 0) progress(`many-authors ${count.toLocaleString('en-US')}: seeded ${i.toLocaleString('en-US')} authors`)
    const oks = await Promise.all(Array.from({ length: Math.min(SEED_WAVE, count - i) }, async (_, j) => {
      const author = generateIdentity(`a${i + j}`)
      const { wire } = await encodeEntry(author, { network: peer.node.networkId, pipeline: PIPELINE, seq: 1, time: Date.now(), flags: FLAG_PERSISTENT, payload })
      bytes += wire.length
      return await p.ingestBatch([wire], 'bench-seed', limits)
    }))
    if (oks.some(ok => !ok)) throw new Error('the seed node refused a crowd entry')
  }
  await p.flush()
  const stored = peer.node.stats().stored
  if (stored < count) throw new Error(`the seed node stored ${stored} of ${count} crowd entries`)
  return bytes / count
}

/** Seeds a node with `count` authors, then times a fresh node syncing them all from it. */
export async function manyAuthorSync (ctx: ScenarioContext, count: number): Promise<ManyAuthorRun> {
  const dir = await ctx.tempDir()
  const networkId = `bench-crowd-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  // no periodic sync during the measurement: one session carries it all
  const full = await startPipesPeer({ dir, networkId, syncIntervalMs: 3_600_000 })
  try {
    ctx.progress(`many-authors ${count.toLocaleString('en-US')}: seeding the full node`)
    const entryBytes = await seedCrowd(full, count, ctx.progress)
    const empty = await startPipesPeer({ dir, networkId, syncIntervalMs: 3_600_000 })
    try {
      const got = new Counter()
      empty.node.createPipeline({ name: PIPELINE, persistent: true }).addPacketListener(() => { got.add() })
      ctx.progress(`many-authors ${count.toLocaleString('en-US')}: the empty node connects`)
      const start = performance.now()
      await connectPeers(empty, full)
      const outcome = await waitForProgress(() => got.value >= count, () => got.value, { idleMs: 30_000, totalMs: 1_800_000, intervalMs: 20 })
      const seconds = (performance.now() - start) / 1000
      if (outcome === 'done') {
        // bytes are counted once both ends finished the session (the receipts come last)
        await waitFor(() => full.node.stats().sync.sessions >= 1 && empty.node.stats().sync.sessions >= 1, { timeout: 120_000, interval: 20, message: 'the sync session completing on both ends' })
      }
      return {
        seconds,
        bytesToEmpty: full.node.stats().sync.bytesSent,
        bytesFromEmpty: empty.node.stats().sync.bytesSent,
        entryBytes,
        missing: count - got.value,
        failedSessions: full.node.stats().sync.failed + empty.node.stats().sync.failed
      }
    } finally {
      await empty.stop()
    }
  } finally {
    await full.stop()
  }
}

const MB = 1e6

async function runCase (ctx: ScenarioContext, count: number, repeats: number): Promise<ResultRow[]> {
  const runs: ManyAuthorRun[] = []
  const raw: number[] = []
  for (let rep = 1; rep <= repeats; rep++) {
    ctx.progress(`many-authors ${count.toLocaleString('en-US')}: pipes run ${rep}/${repeats}`)
    const run = await manyAuthorSync(ctx, count)
    runs.push(run)
    const frameBytes = Math.round(run.entryBytes)
    ctx.progress(`many-authors ${count.toLocaleString('en-US')}: raw stream run ${rep}/${repeats} (${count} × ${frameBytes} B)`)
    raw.push((await rawTransfer(count, frameBytes)).seconds)
  }
  const caseName = `${count.toLocaleString('en-US')} authors × 1 entry, empty peer`
  const missing = runs.reduce((a, r) => a + r.missing, 0)
  const failed = runs.reduce((a, r) => a + r.failedSessions, 0)
  const base = { scenario: 'many-authors', case: caseName }
  const time = compareGroup([
    {
      ...base,
      system: 'pipes persistent pipeline',
      metric: 'time until all delivered',
      unit: 's',
      better: 'lower',
      summary: summarize(runs.map(r => r.seconds)),
      lost: missing,
      note: `${(count / (runs.map(r => r.seconds).sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 1)).toFixed(0)} authors/s` + (failed > 0 ? `; ${failed} sync sessions failed` : '')
    },
    {
      ...base,
      system: 'raw libp2p stream',
      metric: `same entry bytes (${Math.round(runs[0]?.entryBytes ?? 0)} B each)`,
      unit: 's',
      better: 'lower',
      summary: summarize(raw)
    }
  ])
  const bytes: ResultRow[] = [
    { ...base, system: 'pipes, full node → empty node', metric: 'sync bytes sent', unit: 'MB', better: 'lower', summary: summarize(runs.map(r => r.bytesToEmpty / MB)), note: `${(runs.map(r => r.bytesToEmpty).reduce((a, b) => a + b, 0) / runs.length / count).toFixed(0)} B per author` },
    { ...base, system: 'pipes, empty node → full node', metric: 'sync bytes sent', unit: 'MB', better: 'lower', summary: summarize(runs.map(r => r.bytesFromEmpty / MB)), note: `${(runs.map(r => r.bytesFromEmpty).reduce((a, b) => a + b, 0) / runs.length / count).toFixed(0)} B per author` },
    { ...base, system: 'entry bytes alone', metric: 'wire bytes of the entries', unit: 'MB', better: 'lower', summary: summarize(runs.map(r => r.entryBytes * count / MB)) }
  ]
  return [...time, ...bytes]
}

/** Sizes: `--quick` a CI smoke; a full run measures 10,000 (three times) and 100,000 authors (once: seeding them takes minutes). */
export const manyAuthors: Scenario = {
  id: 'many-authors',
  title: 'Many-author sync',
  async run (ctx) {
    if (ctx.quick) return await runCase(ctx, 300, ctx.repeats)
    const rows = await runCase(ctx, 10_000, ctx.repeats)
    rows.push(...await runCase(ctx, 100_000, 1))
    return rows
  }
}
