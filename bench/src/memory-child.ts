/**
 * The process the memory scenario samples: one Pipes node, nothing else.
 * Driven over the IPC channel that `fork` opens; reports its own peak RSS
 * (`process.resourceUsage().maxRSS`), so the figure is this node's alone.
 *
 *   { role: 'idle' }                      start, create the pipeline, report
 *   { role: 'hold', count }               start, write `count` entries, report, stay up until told to exit
 *   { role: 'catch-up', count, address }  start, dial `address`, report once all `count` entries are held
 */
import '@pipes/transport/polyfills'
import { performance } from 'node:perf_hooks'
import { MEASURED, readPayload } from './payload.js'
import { dialAddress, startPipesPeer } from './pipes-nodes.js'
import type { PipesPeer } from './pipes-nodes.js'
import { Counter, waitForProgress } from './wait.js'
import { writeAll } from './writer.js'

/** What the parent asks for. */
export interface MemoryChildRequest {
  role: 'idle' | 'hold' | 'catch-up'
  count: number
  dir: string
  networkId: string
  /** The holder's address with its /p2p/ id (catch-up only). */
  address?: string
  holderPeerId?: string
}

/** What the child reports. */
export interface MemoryChildReport {
  ok: boolean
  error?: string
  /** Peak resident set size of this process, bytes. */
  maxRssBytes: number
  /** Entries written (hold) or received (catch-up). */
  entries: number
  seconds: number
  address?: string
  peerId?: string
  /** Sync sessions that failed part-way (catch-up only). */
  failedSyncSessions?: number
}

const PIPELINE = 'bench-memory'

function send (report: MemoryChildReport): void {
  process.send?.(report)
}

function peakRss (): number {
  return process.resourceUsage().maxRSS * 1024
}

async function run (req: MemoryChildRequest): Promise<PipesPeer> {
  // Resync every second: a sync session that fails part-way (see bench/README.md,
  // known issues) is retried at once instead of after the 30 s default.
  const peer = await startPipesPeer({ dir: req.dir, networkId: req.networkId, syncIntervalMs: 1_000 })
  const pipeline = peer.node.createPipeline({ name: PIPELINE, persistent: true })
  const start = performance.now()
  if (req.role === 'idle') {
    await pipeline.history()[Symbol.asyncIterator]().next()
    send({ ok: true, maxRssBytes: peakRss(), entries: 0, seconds: 0 })
  } else if (req.role === 'hold') {
    await writeAll(async (d) => await pipeline.putPacket(d), req.count, 1024, 64)
    send({ ok: true, maxRssBytes: peakRss(), entries: req.count, seconds: (performance.now() - start) / 1000, address: peer.transport.addresses()[0] ?? '', peerId: peer.transport.peerId })
  } else {
    const got = new Counter()
    pipeline.addPacketListener((p) => { if (readPayload(p.data).kind === MEASURED) got.add() })
    if (req.address == null || req.holderPeerId == null) throw new Error('catch-up needs the holder address and peer id')
    await dialAddress(peer, req.address, req.holderPeerId)
    await waitForProgress(() => got.value >= req.count, () => got.value, { idleMs: 15_000, totalMs: 600_000 })
    const complete = got.value >= req.count
    const stats = peer.node.stats()
    const why = complete ? {} : { error: `caught up ${got.value} of ${req.count} (sync ${JSON.stringify(stats.sync)}, rejected ${stats.rejected}, stored ${stats.stored})` }
    send({ ok: complete, ...why, maxRssBytes: peakRss(), entries: got.value, seconds: (performance.now() - start) / 1000, failedSyncSessions: stats.sync.failed })
  }
  return peer
}

process.once('message', (msg: MemoryChildRequest) => {
  run(msg).then((peer) => {
    // Stay up (a holder serves the catch-up) until the parent says to go.
    process.once('message', () => { void peer.stop().finally(() => process.exit(0)) })
  }, (err: unknown) => {
    send({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err), maxRssBytes: peakRss(), entries: 0, seconds: 0 })
    process.exit(1)
  })
})
// Never outlive the parent.
process.on('disconnect', () => process.exit(0))
