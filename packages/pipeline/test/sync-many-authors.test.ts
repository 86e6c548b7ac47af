import { generateIdentity, hexToBytes } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { MemoryDatastore } from 'datastore-core'
import { afterEach, expect, it } from 'vitest'
import { datastoreDurableStore, encodeEntry, FLAG_PERSISTENT } from '../src/index.js'
import { connect, enc, networkId, startNode, syncSide } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { DurableStore } from '../src/index.js'
import type { StoredParts } from '../src/stored-parts.js'

const nodes: TestNode[] = []
afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

const LIMITS = { maxEntries: 512, maxBytes: 1024 * 1024 }

/** A real MemoryDatastore behind the node's storage seam, counting the reads made through it. */
function countingStore (): { store: DurableStore, reads: () => number } {
  const inner = datastoreDurableStore(new MemoryDatastore())
  let reads = 0
  const store: DurableStore = {
    durable: inner.durable,
    batch: async (ops, options) => { await inner.batch(ops, options) },
    getMany: async (keys) => { reads++; return await inner.getMany(keys) },
    scan: (prefix) => inner.scan(prefix)
  }
  return { store, reads: () => reads }
}

/** Stores, through the sync ingest path, `count` entries of a fresh author (runs of at most 400), or one entry each of `count` fresh authors. */
async function seedLog (p: StoredParts, net: string, pipeline: string, count: number): Promise<void> {
  const author = generateIdentity('long')
  let prev: Uint8Array = new Uint8Array(0)
  let run: Uint8Array[] = []
  for (let seq = 1; seq <= count; seq++) {
    const { wire, id } = await encodeEntry(author, { network: net, pipeline, seq, prev, time: Date.now(), flags: FLAG_PERSISTENT, payload: enc(`long ${seq}`) })
    prev = hexToBytes(id)
    run.push(wire)
    if (run.length === 400 || seq === count) {
      expect(await p.ingestBatch(run, 'test', LIMITS)).toBe(true)
      run = []
    }
  }
}

async function seedCrowd (p: StoredParts, net: string, pipeline: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, async (_, j) => {
      const author = generateIdentity(`a${i + j}`)
      const { wire } = await encodeEntry(author, { network: net, pipeline, seq: 1, time: Date.now(), flags: FLAG_PERSISTENT, payload: enc(`from ${i + j}`) })
      expect(await p.ingestBatch([wire], 'test', LIMITS)).toBe(true)
    }))
  }
}

// Regression: serving read the store once per author (one getMany for an
// author with one new entry), so a sync of many authors cost a datastore
// round trip each. Authors lacking a few entries are now read together.
it('serving 1,000 one-entry authors reads the store in groups, not once per author', async () => {
  const net = networkId('crowd-reads')
  const counted = countingStore()
  const a = await startNode({ network: net, name: 'full', syncIntervalMs: 60_000, node: { datastore: undefined, store: counted.store } })
  nodes.push(a)
  const total = 1_000
  const p = syncSide(a.node.createPipeline({ name: 'crowd', persistent: true }))
  await p.ready()
  await seedCrowd(p, net, 'crowd', total)
  await p.flush()
  const b = await startNode({ network: net, name: 'empty', syncIntervalMs: 60_000 })
  nodes.push(b)
  let got = 0
  b.node.createPipeline({ name: 'crowd', persistent: true }).addPacketListener(() => { got++ })
  const before = counted.reads()
  await connect(a, b)
  await waitFor(() => got === total, { timeout: 30_000, message: 'every author arrives' })
  await waitFor(() => a.node.stats().sync.sessions >= 1, { timeout: 10_000, message: 'the session completes' })
  const reads = counted.reads() - before
  // one read per 512 entries' worth of authors (and a few more), not 1,000
  expect(reads).toBeLessThan(total / 20)
  expect(b.node.stats().sync.entriesReceived).toBe(total)
}, 60_000)

// Correctness of the concurrent ingest of a many-author sync: batches of
// different authors are taken in at once, each author's in order. Long logs
// (three batches each) among many one-entry authors arrive whole, each entry
// once and in seq order, over one session.
it('long logs among many one-entry authors arrive whole and in per-author order', async () => {
  const net = networkId('crowd-mixed')
  const a = await startNode({ network: net, name: 'full', syncIntervalMs: 60_000, transport: 'tcp' })
  nodes.push(a)
  const p = syncSide(a.node.createPipeline({ name: 'mixed', persistent: true }))
  await p.ready()
  const longs = 3
  const longLength = 1_100
  const crowd = 600
  // the long logs come first and last in the serving order, so their batches interleave with the crowd's in flight
  await seedLog(p, net, 'mixed', longLength)
  await seedCrowd(p, net, 'mixed', crowd / 2)
  await seedLog(p, net, 'mixed', longLength)
  await seedCrowd(p, net, 'mixed', crowd / 2)
  await seedLog(p, net, 'mixed', longLength)
  await p.flush()
  const total = longs * longLength + crowd
  const b = await startNode({ network: net, name: 'empty', syncIntervalMs: 60_000, transport: 'tcp' })
  nodes.push(b)
  const seqs = new Map<string, number[]>()
  let got = 0
  b.node.createPipeline({ name: 'mixed', persistent: true }).addPacketListener((packet) => {
    got++
    const list = seqs.get(packet.sender.id) ?? []
    list.push(packet.seq)
    seqs.set(packet.sender.id, list)
  })
  await connect(a, b)
  await waitFor(() => got >= total, { timeout: 45_000, message: 'every entry arrives' })
  await waitFor(() => a.node.stats().sync.sessions >= 1 && b.node.stats().sync.sessions >= 1, { timeout: 10_000, message: 'the session completes' })
  expect(got).toBe(total)
  expect(seqs.size).toBe(longs + crowd)
  for (const list of seqs.values()) {
    expect(list).toEqual(Array.from({ length: list.length }, (_, i) => i + 1))
  }
  expect([...seqs.values()].filter(l => l.length === longLength)).toHaveLength(longs)
  const sb = b.node.stats().sync
  expect(sb.entriesReceived).toBe(total)
  expect(sb.authorsSkipped).toBe(0)
  expect(sb.sessions).toBe(1)
  expect(a.node.stats().sync.failed + sb.failed).toBe(0)
}, 90_000)
