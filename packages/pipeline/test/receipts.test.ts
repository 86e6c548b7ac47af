import { DeliveryChecker, waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, enc, networkId, recordInto, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { Packet, ReceiptDetail } from '../src/index.js'

describe('delivery receipts', () => {
  const running: TestNode[] = []
  afterEach(async () => { await Promise.all(running.splice(0).map(async n => { await n.stop() })) })

  it('holders() and receipt events name the peers that hold each of our packets', async () => {
    const net = networkId('receipts')
    const a = await startNode({ network: net, name: 'a', online: false, syncIntervalMs: 500 })
    const b = await startNode({ network: net, name: 'b', syncIntervalMs: 500 })
    const c = await startNode({ network: net, name: 'c', syncIntervalMs: 500 })
    running.push(a, b, c)
    const checker = new DeliveryChecker()
    const pa = a.node.createPipeline({ name: 'log', persistent: true })
    b.node.createPipeline({ name: 'log', persistent: true }).addPacketListener(recordInto(checker, 'b'))
    c.node.createPipeline({ name: 'log', persistent: true }).addPacketListener(recordInto(checker, 'c'))
    const receipts: ReceiptDetail[] = []
    pa.addEventListener('receipt', (evt) => { receipts.push(evt.detail) })
    const sent: Packet[] = []
    for (let i = 0; i < 20; i++) {
      const p = await pa.putPacket(enc(`r${i}`))
      sent.push(p)
      checker.acknowledged({ author: p.sender.id, id: p.id, seq: p.seq, expectedAt: ['b'] })
    }
    expect(pa.holders(sent[0]?.id as string)).toEqual([])
    expect(pa.holders('not-an-id')).toEqual([])
    await a.transport.start()
    await connect(a, b)
    await checker.waitForComplete({ timeout: 10_000 })
    expect(checker.report()).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 })
    await waitFor(() => pa.holders(sent[19]?.id as string).includes(b.transport.peerId), { timeout: 10_000, message: 'a learns that b holds its packets' })
    for (const p of sent) expect(pa.holders(p.id)).toEqual([b.transport.peerId])
    const fromB = receipts.filter(r => r.peer === b.transport.peerId)
    expect(fromB.flatMap(r => r.ids)).toEqual(sent.map(p => p.id))
    // c never connected to a: it is not a holder until it syncs
    expect(pa.holders(sent[0]?.id as string)).not.toContain(c.transport.peerId)
  })

  it('a peer holding other entries under our identity (another store) is not a holder', async () => {
    const net = networkId('receipts-fork')
    const a = await startNode({ network: net, name: 'a', online: false, syncIntervalMs: 500 })
    const b = await startNode({ network: net, name: 'b', syncIntervalMs: 500 })
    running.push(a, b)
    const pa = a.node.createPipeline({ name: 'log', persistent: true })
    const pb = b.node.createPipeline({ name: 'log', persistent: true })
    const mine = await pa.putPacket(enc('from store one'))
    // the same identity on a second, empty store writes two entries of its own, and b takes them
    const twin = await startNode({ network: net, identity: a.identity, syncIntervalMs: 500 })
    running.push(twin)
    const pt = twin.node.createPipeline({ name: 'log', persistent: true })
    await pt.putPacket(enc('from store two, 1'))
    await pt.putPacket(enc('from store two, 2'))
    await connect(twin, b)
    await waitFor(async () => { let n = 0; for await (const _ of pb.history()) n++; return n === 2 }, { timeout: 10_000, message: 'b holds the twin entries' })
    await twin.stop()
    const before = a.node.stats().sync
    await a.transport.start()
    await connect(a, b)
    // a session ran (or ended): a has seen b's vector, which claims seq 2 of our author
    await waitFor(() => { const s = a.node.stats().sync; return s.sessions + s.failed > before.sessions + before.failed }, { timeout: 10_000, message: 'a syncs with b' })
    expect(pa.holders(mine.id)).toEqual([])
  })
})
