import { generateIdentity } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { afterEach, expect, it } from 'vitest'
import { levelDurableStore } from '../src/index.js'
import { levelStore, networkId, removeDir, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { DurableStore, NodeStats } from '../src/index.js'

const nodes: TestNode[] = []
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(nodes.splice(0).map(async n => { await n.stop() }))
  for (const fn of cleanup.splice(0)) await fn()
})

/** The group committer's bounds (DEFAULT_COMMIT_LIMITS): past them writers wait for room. */
const MAX_QUEUED_OPS = 32_768
const MAX_QUEUED_BYTES = 64 * 1024 * 1024

/**
 * A real LevelDB store (synced batches) behind a disk slower than the
 * writer: each batch takes time in proportion to its operations and bytes
 * (10,000 ops/s, 20 MB/s). `sample` runs as each batch starts, when the
 * whole backlog is still counted as queued.
 */
function slowDisk (inner: DurableStore, sample: () => void): DurableStore {
  return {
    durable: inner.durable,
    batch: async (ops, options) => {
      sample()
      let bytes = 0
      for (const op of ops) bytes += op.key.length + (op.value?.length ?? 0)
      await new Promise(resolve => setTimeout(resolve, Math.max(ops.length / 10, bytes / 20_000)))
      await inner.batch(ops, options)
    },
    getMany: async (keys) => await inner.getMany(keys),
    scan: (prefix) => inner.scan(prefix)
  }
}

// Backpressure was tested on the committer alone. Regression, on a whole
// node: a burst of puts (each still signing) all passed `room()` while the
// queue was empty, so the commit queue grew with the burst (1,400 × 60 KiB:
// 86.6 MB queued) past its 64 MiB bound (and, with enough puts, past the
// 32,768 operations). Writers let in now hold room for what they are about to write.
it('a burst of puts that outruns a slow store stays within the commit queue bounds, and every acknowledged put is stored', async () => {
  const { datastore, dir, close } = await levelStore()
  cleanup.push(async () => { await close(); await removeDir(dir) })
  const net = networkId('backpressure')
  const identity = generateIdentity('writer')
  let node: TestNode | undefined
  let peak = { ops: 0, bytes: 0 }
  const sample = (): void => {
    const q = (node?.node.stats() as NodeStats | undefined)?.commitQueued
    if (q === undefined) return
    peak = { ops: Math.max(peak.ops, q.ops), bytes: Math.max(peak.bytes, q.bytes) }
  }
  node = await startNode({ network: net, identity, node: { datastore: undefined, store: slowDisk(levelDurableStore(datastore), sample) } })
  nodes.push(node)
  const log = node.node.createPipeline({ name: 'burst', persistent: true })
  const sampler = setInterval(sample, 5)
  cleanup.push(async () => { clearInterval(sampler) })
  const acked: string[] = []
  const failed: unknown[] = []
  const burst = async (count: number, payload: Uint8Array): Promise<void> => {
    // none awaited one by one: the app offers all of them at once
    await Promise.all(Array.from({ length: count }, async () => {
      try {
        acked.push((await log.putPacket(payload)).id)
      } catch (err) {
        failed.push(err)
      }
    }))
  }

  // many small puts (each writes its entry and the head)
  await burst(10_000, new Uint8Array(32).fill(1))
  const opsPeak = peak
  // more bytes than the bound
  peak = { ops: 0, bytes: 0 }
  await burst(1_400, new Uint8Array(60 * 1024).fill(2))
  const bytesPeak = peak
  clearInterval(sampler)

  expect(failed).toEqual([])
  expect(acked).toHaveLength(11_400)
  // within the bounds, give or take the one writer let in last
  expect(opsPeak.ops).toBeLessThanOrEqual(MAX_QUEUED_OPS + 2)
  expect(bytesPeak.bytes).toBeLessThanOrEqual(MAX_QUEUED_BYTES + 64 * 1024)
  // the byte bound was reached: the writer did outrun the store
  expect(bytesPeak.bytes).toBeGreaterThan(MAX_QUEUED_BYTES / 2)
  expect(node.node.stats().commitQueued).toEqual({ ops: 0, bytes: 0 })

  // nothing acknowledged is lost: a node restarted on the same store holds every acknowledged put
  await node.stop()
  nodes.splice(nodes.indexOf(node), 1)
  node = undefined
  const again = await startNode({ network: net, identity, node: { datastore: undefined, store: levelDurableStore(datastore) } })
  nodes.push(again)
  const ids = new Set<string>()
  for await (const packet of again.node.createPipeline({ name: 'burst', persistent: true }).history()) ids.add(packet.id)
  expect(ids.size).toBe(acked.length)
  for (const id of acked) expect(ids.has(id)).toBe(true)
  await waitFor(() => again.node.stats().commitQueued.ops === 0, { timeout: 10_000, message: 'the restarted node is idle' })
}, 120_000)
