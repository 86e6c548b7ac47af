import { waitFor } from '@pipes/testkit'
import { afterEach, expect, it } from 'vitest'
import { dec, enc, networkId, startNode, syncSide } from './helpers.js'
import type { Packet } from '../src/index.js'
import type { TestNode } from './helpers.js'

const limits = { maxEntries: 512, maxBytes: 1024 * 1024 }
const nodes: TestNode[] = []
afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

// Regression: entries ahead of a gap waited in the gap buffer for ever when
// the gap never filled (bounded in entries and bytes, but never expired).
it('entries ahead of a gap that never fills expire from the gap buffer and are counted; sync brings them again', async () => {
  const network = networkId('gap-ttl')
  const a = await startNode({ network, name: 'a', online: false })
  const b = await startNode({ network, name: 'b', online: false, node: { bufferLimits: { gapTtlMs: 300 } } })
  nodes.push(a, b)
  const pa = a.node.createPipeline({ name: 'log', persistent: true })
  const pb = b.node.createPipeline({ name: 'log', persistent: true })
  for (const t of ['one', 'two', 'three']) await pa.putPacket(enc(t))
  const wires: Uint8Array[] = []
  for await (const batch of syncSide(pa).missingFor([], limits, 'test')) wires.push(...batch)
  expect(wires).toHaveLength(3)
  const got: Packet[] = []
  pb.addPacketListener(p => { got.push(p) })
  await syncSide(pb).ready()
  // two and three arrive, one never does: they wait ahead of the gap ...
  expect(await syncSide(pb).ingestBatch(wires.slice(1), a.transport.peerId, limits)).toBe(true)
  expect(b.node.stats().gapBuffered).toBe(2)
  // ... until they have waited longer than the limit
  await waitFor(() => b.node.stats().gapBuffered === 0, { timeout: 10_000, message: 'the gap buffer expired its entries' })
  expect(b.node.stats().gapExpired).toBe(2)
  expect(b.node.stats().gapDropped).toBe(0)
  // the first comes at last: it alone is stored; the next sync brings the other two again, in order
  expect(await syncSide(pb).ingestBatch(wires.slice(0, 1), a.transport.peerId, limits)).toBe(true)
  await syncSide(pb).flush()
  await waitFor(() => got.length === 1, { timeout: 10_000, message: 'the first delivered' })
  expect(await syncSide(pb).ingestBatch(wires.slice(1), a.transport.peerId, limits)).toBe(true)
  await waitFor(() => got.length === 3, { timeout: 10_000, message: 'all three delivered' })
  expect(got.map(p => dec(p.data))).toEqual(['one', 'two', 'three'])
}, 30_000)
