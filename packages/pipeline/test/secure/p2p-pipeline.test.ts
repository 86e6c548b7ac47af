import { generateIdentity } from '@pipes/identity'
import { DeliveryChecker, waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { MAILBOX_PIPELINE } from '../../src/index.js'
import { connect, dec, enc, levelStore, networkId, recordInto, removeDir, startNode } from '../helpers.js'
import { countIn, countMarker, triangle } from './net-helpers.js'
import type { Packet, Pipeline } from '../../src/index.js'
import type { TestNode } from '../helpers.js'

const DM = 'dm'

function texts (p: Pipeline): string[] {
  const got: string[] = []
  p.addPacketListener((packet: Packet) => { got.push(dec(packet.data)) })
  return got
}

describe('point-to-point pipeline', () => {
  const running: TestNode[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  it('A -> B through C: B reads everything, C (connected to both) stores and relays ciphertext only', async () => {
    // everything c receives on the mailbox topic goes to seenByC
    const { a, b, c, seenByC } = await triangle(networkId('p2p'), running)
    const pa = a.node.createPipeline({ name: DM, peer: b.identity.public(), directPush: true })
    const pb = b.node.createPipeline({ name: DM, peer: a.identity.public() })
    expect(pa.kind).toBe('p2p')
    const checker = new DeliveryChecker()
    pa.addPacketListener(recordInto(checker, 'a'))
    pb.addPacketListener(recordInto(checker, 'b'))
    const gotB = texts(pb)
    for (let i = 0; i < 30; i++) {
      const p = await pa.putPacket(enc(`PRIVATE-MARKER-${i}`))
      checker.acknowledged({ author: p.sender.id, id: p.id, seq: p.seq, expectedAt: ['a', 'b'] })
    }
    const reply = await pb.putPacket(enc('PRIVATE-MARKER-reply'))
    checker.acknowledged({ author: reply.sender.id, id: reply.id, seq: reply.seq, expectedAt: ['a', 'b'] })
    const report = await checker.waitForComplete({ timeout: 20_000 })
    expect(report).toMatchObject({ acknowledged: 31, lost: 0, duplicated: 0, outOfOrder: 0 })
    expect(gotB.filter(t => t !== 'PRIVATE-MARKER-reply')).toEqual(Array.from({ length: 30 }, (_, i) => `PRIVATE-MARKER-${i}`))
    // the sender is authenticated: b sees alice's verified identity
    let sender = ''
    for await (const p of pb.history()) if (dec(p.data) === 'PRIVATE-MARKER-0') sender = p.sender.id
    expect(sender).toBe(a.identity.id)
    // c carried all 31 and holds no plaintext, in its store or in anything it received
    await waitFor(() => c.node.stats().stored >= 31, { timeout: 20_000, message: 'c stored every envelope' })
    const scan = await countMarker(c.datastore, 'PRIVATE-MARKER')
    expect(scan.records).toBeGreaterThan(31)
    expect(scan.hits).toBe(0)
    expect(seenByC.length).toBeGreaterThan(0)
    expect(countIn(seenByC, 'PRIVATE-MARKER')).toBe(0)
    // a third identity's own pipeline with alice on the same name reads none of it
    const pc = c.node.createPipeline({ name: DM, peer: a.identity.public() })
    const gotC: string[] = []
    pc.addPacketListener((p) => { gotC.push(dec(p.data)) }, { replay: true })
    for await (const p of pc.history()) gotC.push(dec(p.data))
    expect(gotC).toEqual([])
    // direct delivery: alice's outbox found bob (through the DHT, via carol) and dialed him; bob acknowledged
    await waitFor(() => a.transport.peers().includes(b.transport.peerId), { timeout: 20_000, message: 'alice connected to bob directly' })
    await waitFor(() => pa.acknowledged, { timeout: 20_000, message: 'bob acknowledged' })
    const last = (await pa.putPacket(enc('PRIVATE-MARKER-last'))).id
    await waitFor(() => pa.holders(last).includes(b.transport.peerId), { timeout: 20_000, message: 'bob holds the last packet (receipt)' })
  })

  it('the outbox survives a restart of the sender; a restarted receiver gets nothing twice', async () => {
    const net = networkId('p2p')
    const storeA = await levelStore()
    const storeB = await levelStore()
    dirs.push(storeA.dir, storeB.dir)
    let a = await startNode({ network: net, name: 'alice', datastore: storeA.datastore, online: false })
    let b = await startNode({ network: net, name: 'bob', datastore: storeB.datastore })
    running.push(a, b)
    const alice = a.identity
    const bob = b.identity
    // alice writes while offline, then stops before anything left
    const pa = a.node.createPipeline({ name: DM, peer: bob.id })
    for (let i = 0; i < 10; i++) await pa.putPacket(enc(`outbox-${i}`))
    expect(a.node.stats().published).toBe(0)
    await a.stop()
    await storeA.close()
    const reopenedA = await levelStore(storeA.dir)
    a = await startNode({ network: net, identity: alice, datastore: reopenedA.datastore })
    running.push(a)
    a.node.createPipeline({ name: DM, peer: bob.id })
    let gotB = texts(b.node.createPipeline({ name: DM, peer: alice.id }))
    await connect(a, b)
    await waitFor(() => gotB.length === 10, { timeout: 20_000, message: 'bob got the 10 packets of the outbox' })
    expect(gotB).toEqual(Array.from({ length: 10 }, (_, i) => `outbox-${i}`))
    // bob restarts: nothing is delivered twice, and what comes next arrives once
    await b.stop()
    await storeB.close()
    const reopenedB = await levelStore(storeB.dir)
    b = await startNode({ network: net, identity: bob, datastore: reopenedB.datastore })
    running.push(b)
    gotB = texts(b.node.createPipeline({ name: DM, peer: alice.id }))
    await connect(a, b)
    await (a.node.pipelineNamed(DM) as Pipeline).putPacket(enc('after restart'))
    await waitFor(() => gotB.length >= 1, { timeout: 20_000, message: 'bob got the packet after his restart' })
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(gotB).toEqual(['after restart'])
  })

  it('A and B never online at once: B gets the packets through C on its next connection', async () => {
    const net = networkId('p2p')
    const bob = generateIdentity('bob')
    const a = await startNode({ network: net, name: 'alice' })
    const c = await startNode({ network: net, name: 'carol' })
    running.push(a, c)
    await connect(a, c)
    // only bob's id is known: the key comes from the id
    const pa = a.node.createPipeline({ name: DM, peer: bob.id })
    for (let i = 0; i < 5; i++) await pa.putPacket(enc(`while-away-${i}`))
    await waitFor(() => c.node.stats().stored >= 5, { timeout: 20_000, message: 'c carries the 5 envelopes' })
    await a.stop()
    const b = await startNode({ network: net, identity: bob })
    running.push(b)
    const gotB = texts(b.node.createPipeline({ name: DM, peer: a.identity.id }))
    await connect(b, c)
    await waitFor(() => gotB.length === 5, { timeout: 20_000, message: 'bob got the 5 packets through carol' })
    expect(gotB).toEqual(Array.from({ length: 5 }, (_, i) => `while-away-${i}`))
    expect(a.transport.started).toBe(false)
  })

  it('refuses a peer that is not an identity or an id, and the reserved mailbox name', async () => {
    const a = await startNode({ network: networkId('p2p'), online: false })
    running.push(a)
    for (const peer of ['nope', 42, {}, null]) {
      expect(() => a.node.createPipeline({ name: 'x', peer } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SECURE_OPTION' }))
    }
    expect(() => a.node.createPipeline({ name: 'x', peer: a.identity.id })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SECURE_OPTION' }))
    expect(() => a.node.createPipeline({ name: 'x', peer: generateIdentity('z').id, persistent: false })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
    expect(() => a.node.createPipeline({ name: MAILBOX_PIPELINE, persistent: true })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_PIPELINE_NAME' }))
  })
})
