import { waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { enc, networkId, startNode, syncSide } from './helpers.js'
import type { Packet } from '../src/index.js'
import type { TestNode } from './helpers.js'

const limits = { maxEntries: 512, maxBytes: 1024 * 1024 }

describe('what a node keeps does not pin the frame it came in', () => {
  const nodes: TestNode[] = []
  afterEach(async () => { for (const n of nodes.splice(0)) await n.stop() })

  it('entries of a sync batch are copied out of their frame before they are held for delivery or a gap', async () => {
    const network = networkId('buf')
    const a = await startNode({ network, name: 'a', online: false })
    const b = await startNode({ network, name: 'b', online: false })
    nodes.push(a, b)
    const pa = a.node.createPipeline({ name: 'room', persistent: true })
    const pb = b.node.createPipeline({ name: 'room', persistent: true })
    for (const t of ['one', 'two', 'three']) await pb.putPacket(enc(t))
    const wires: Uint8Array[] = []
    for await (const batch of syncSide(pb).missingFor([], limits, 'test')) wires.push(...batch)
    expect(wires).toHaveLength(3)

    // one 4 MiB frame holding the three entries, as the sync stream hands them over
    const frame = new Uint8Array(4 * 1024 * 1024)
    let at = 1024
    const views = wires.map(w => {
      frame.set(w, at)
      const view = frame.subarray(at, at + w.length)
      at += w.length + 1024
      return view
    })
    const got: Packet[] = []
    pa.addPacketListener(p => { got.push(p) })
    await syncSide(pa).ready()
    // the last two first: they wait in the gap buffer, then the first fills the gap
    expect(await syncSide(pa).ingestBatch(views.slice(1), b.transport.peerId, limits)).toBe(true)
    expect(await syncSide(pa).ingestBatch(views.slice(0, 1), b.transport.peerId, limits)).toBe(true)
    await syncSide(pa).flush()
    await waitFor(() => got.length === 3, { timeout: 10_000, message: 'the three entries delivered' })
    expect(got.map(p => new TextDecoder().decode(p.data))).toEqual(['one', 'two', 'three'])
    // delivered from memory: each payload is a view into its own small copy, not the 4 MiB frame
    for (const p of got) expect(p.data.buffer.byteLength).toBeLessThan(64 * 1024)
  }, 30_000)
})
