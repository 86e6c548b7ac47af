/**
 * Drives bulk writes: several authors each write a run of 1 KiB packets as an
 * app would (every call awaited, a fixed number in flight), and every node
 * must end up with every packet written by the others. Measures the time from
 * the first write to the last delivery (or, where the system stores, until
 * every node is confirmed to hold everything) and counts what never came.
 */
import { performance } from 'node:perf_hooks'
import { MEASURED, makePayload, readPayload } from './payload.js'
import { waitFor } from '@pipes/test-support'
import { Pulse, waitForProgress } from './wait.js'

/** A started group of nodes, any of which may write. */
export interface BulkSwarm {
  readonly size: number
  write: (author: number, data: Uint8Array) => Promise<void>
  /** Called for every packet a node gets (including, for some systems, its own). */
  onReceive: (fn: (node: number, data: Uint8Array) => void) => void
  /** Where the system stores: resolves true once every node holds `total` measured packets (all rounds so far). */
  confirmStored?: (total: number) => Promise<boolean>
  stop: () => Promise<void>
}

/** What one bulk write measured. */
export interface BulkRun {
  written: number
  /** Seconds from the first write to the last delivery (or confirmed storage). */
  seconds: number
  /** Node-packets never delivered. */
  lost: number
  writeErrors: number
  firstError?: unknown
  stalled: boolean
}

const SEQ_PER_AUTHOR = 1_000_000

/**
 * Authors 0..authors-1 each write `perAuthor` packets of `size` bytes, each
 * keeping `inFlight` write calls pending; waits (bounded: `idleMs` without a
 * delivery ends it) until every node has every packet it did not write.
 * `round` numbers repeated calls on one swarm, so their packets differ.
 */
export async function bulkWrite (
  swarm: BulkSwarm,
  { authors, perAuthor, size, inFlight, round = 0, idleMs = 5_000, totalMs = 300_000 }:
  { authors: number, perAuthor: number, size: number, inFlight: number, round?: number, idleMs?: number, totalMs?: number }
): Promise<BulkRun> {
  const total = authors * perAuthor
  const base = round * perAuthor
  if (base + perAuthor > SEQ_PER_AUTHOR) throw new RangeError('too many packets per author for the sequence numbering')
  const seen = Array.from({ length: swarm.size }, () => new Uint8Array(total))
  const got = new Array<number>(swarm.size).fill(0)
  const expected = (node: number): number => total - (node < authors ? perAuthor : 0)
  let lastDelivery = 0
  const pulse = new Pulse()
  swarm.onReceive((node, data) => {
    const { kind, seq } = readPayload(data)
    if (kind !== MEASURED) return
    const author = Math.floor(seq / SEQ_PER_AUTHOR)
    const i = (seq % SEQ_PER_AUTHOR) - base
    const index = author * perAuthor + i
    const mine = seen[node]
    if (author === node || author >= authors || mine == null || i < 0 || i >= perAuthor || mine[index] === 1) return
    mine[index] = 1
    got[node] = (got[node] ?? 0) + 1
    lastDelivery = performance.now()
    pulse.notify()
  })
  let writeErrors = 0
  let firstError: unknown
  const start = performance.now()
  const writer = async (author: number): Promise<void> => {
    let next = 0
    const lane = async (): Promise<void> => {
      while (next < perAuthor) {
        const i = next++
        try {
          await swarm.write(author, makePayload(MEASURED, author * SEQ_PER_AUTHOR + base + i, size))
        } catch (err) {
          writeErrors++
          firstError ??= err
        }
      }
    }
    await Promise.all(Array.from({ length: inFlight }, lane))
  }
  await Promise.all(Array.from({ length: authors }, async (_v, a) => { await writer(a) }))
  if (writeErrors === total) throw new Error(`every write failed: ${String(firstError)}`)
  const done = (): boolean => got.every((n, node) => n >= expected(node))
  const outcome = await waitForProgress(done, () => got.reduce((a, b) => a + b, 0), { idleMs, totalMs })
  let end = lastDelivery > 0 ? lastDelivery : Number.NaN
  const confirm = swarm.confirmStored
  if (confirm != null && outcome === 'done') {
    await waitFor(async () => await confirm(total * (round + 1)), { timeout: 60_000, interval: 20, message: 'every node holding every entry' })
    end = performance.now()
  }
  const lost = got.reduce((a, n, node) => a + (expected(node) - n), 0)
  return { written: total, seconds: (end - start) / 1000, lost, writeErrors, firstError, stalled: outcome !== 'done' }
}
