import { waitFor } from '@pipes/testkit'
import { topicFor } from '@pipes/transport'
import { afterEach, expect, it } from 'vitest'
import { ENTRY_OVERHEAD_BYTES } from '../src/entry-rules.js'
import { connect, enc, networkId, startNode } from './helpers.js'
import type { Packet } from '../src/index.js'
import type { TestNode } from './helpers.js'

const nodes: TestNode[] = []
afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

// Regression: an entry taken from gossip was kept (held for delivery, or in
// the gap buffer) as views into the transport frame it came in, pinning the
// whole frame (and every other message in it) for as long as it was kept.
it('an entry from gossip is copied out of its frame before it is kept', async () => {
  const net = networkId('gcopy')
  const a = await startNode({ network: net, name: 'a', transport: 'tcp', syncIntervalMs: 60_000 })
  const b = await startNode({ network: net, name: 'b', transport: 'tcp', syncIntervalMs: 60_000 })
  nodes.push(a, b)
  const pa = a.node.createPipeline({ name: 'room', persistent: true })
  const pb = b.node.createPipeline({ name: 'room', persistent: true })
  const got: Packet[] = []
  pb.addPacketListener(p => { got.push(p) })
  await connect(a, b)
  await waitFor(() => a.transport.meshPeers(topicFor(net, 'room')).includes(b.transport.peerId), { timeout: 10_000, message: 'b is in a\'s gossip mesh' })
  const total = 200
  // many small packets at once over TCP: the transport hands several of them over in one read
  await Promise.all(Array.from({ length: total }, async (_, i) => await pa.putPacket(enc(`packet ${i} ${'x'.repeat(i % 50)}`))))
  await waitFor(() => got.length === total, { timeout: 20_000, message: 'b read every packet' })
  expect(b.node.stats().sync.entriesReceived).toBeLessThan(total)
  // each payload is a view into its own entry's copy: nothing more behind it than one entry's overhead
  for (const p of got) expect(p.data.buffer.byteLength - p.data.byteLength).toBeLessThanOrEqual(ENTRY_OVERHEAD_BYTES)
}, 40_000)
