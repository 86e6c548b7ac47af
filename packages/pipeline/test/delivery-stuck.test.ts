import { generateIdentity, randomBytes } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { MemoryDatastore } from 'datastore-core'
import { afterEach, expect, it } from 'vitest'
import { datastoreDurableStore, encodeEntry, FLAG_ENCRYPTED, FLAG_PERSISTENT } from '../src/index.js'
import { dec, enc, networkId, startNode, syncSide } from './helpers.js'
import type { DurableStore, Packet } from '../src/index.js'
import type { TestNode } from './helpers.js'

const limits = { maxEntries: 512, maxBytes: 16 * 1024 * 1024 }
const nodes: TestNode[] = []
afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

/** A real in-memory store that counts the reads (getMany calls) of keys containing `marker`. */
function countingStore (inner: DurableStore, marker: () => string): DurableStore & { reads: number } {
  const out = {
    reads: 0,
    durable: inner.durable,
    batch: async (ops: Parameters<DurableStore['batch']>[0], options: { sync: boolean }) => { await inner.batch(ops, options) },
    getMany: async (keys: string[]) => {
      const m = marker()
      if (m !== '' && keys.some(k => k.includes(m))) out.reads++
      return await inner.getMany(keys)
    },
    scan: (prefix: string) => inner.scan(prefix)
  }
  return out
}

// Regression: the delivery pump read an author's next chunk (256 entries)
// again on every pass while that author could not progress (its next entry
// waits for a key), so every other author's entry cost a 256-entry read.
it('the delivery pump does not re-read an author that cannot progress until something changes for it', async () => {
  const network = networkId('stuck')
  const mallory = generateIdentity('mallory')
  const malloryHex = Buffer.from(mallory.publicKey).toString('hex')
  let watching = ''
  const store = countingStore(datastoreDurableStore(new MemoryDatastore()), () => watching)
  const b = await startNode({ network, name: 'bob', online: false, node: { datastore: undefined, store } })
  nodes.push(b)
  const pb = b.node.createPipeline({ name: 'room', persistent: true, encrypted: { key: randomBytes(32) } })
  const side = syncSide(pb)
  await side.ready()
  // a non-member's 300 entries of an epoch no key opens, stored while nobody listens (so none is held in memory)
  const wires: Uint8Array[] = []
  let prev = new Uint8Array(0)
  for (let seq = 1; seq <= 300; seq++) {
    const e = await encodeEntry(mallory, { network, pipeline: 'room', seq, prev, time: Date.now(), flags: FLAG_PERSISTENT | FLAG_ENCRYPTED, keyEpoch: 999, payload: randomBytes(64) })
    wires.push(e.wire)
    prev = Uint8Array.from(Buffer.from(e.id, 'hex'))
  }
  for (let i = 0; i < wires.length; i += 100) expect(await side.ingestBatch(wires.slice(i, i + 100), 'peer-m', limits)).toBe(true)
  await side.flush()
  await waitFor(() => b.node.stats().stored === 300, { timeout: 10_000, message: 'the 300 stored' })
  watching = malloryHex
  const got: string[] = []
  pb.addPacketListener((p: Packet) => { got.push(dec(p.data)) })
  // our own packets, one at a time: each is a delivery pass
  for (let i = 0; i < 40; i++) {
    await pb.putPacket(enc(`own ${i}`))
    await waitFor(() => got.length === i + 1, { timeout: 10_000, message: `own packet ${i} delivered` })
  }
  expect(got).toHaveLength(40)
  // the stuck author's chunk was read once (when the listener came), not once a pass
  expect(store.reads).toBeGreaterThanOrEqual(1)
  expect(store.reads).toBeLessThanOrEqual(2)
}, 30_000)
