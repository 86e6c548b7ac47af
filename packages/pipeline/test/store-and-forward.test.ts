import { DeliveryChecker, partition, waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, enc, levelStore, networkId, recordInto, removeDir, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { Packet, Pipeline } from '../src/index.js'

const PIPE = 'log'

/** Puts `count` packets, `inFlight` at a time, recording each ack. */
async function putMany (pipeline: Pipeline, count: number, checker: DeliveryChecker, expectedAt: string[], prefix: string, inFlight = 10): Promise<Packet[]> {
  const out: Packet[] = []
  for (let i = 0; i < count; i += inFlight) {
    const n = Math.min(inFlight, count - i)
    const puts = await Promise.all(Array.from({ length: n }, async (_, j) => await pipeline.putPacket(enc(`${prefix}-${i + j}`))))
    for (const p of puts) {
      checker.acknowledged({ author: p.sender.id, id: p.id, seq: p.seq, expectedAt })
      out.push(p)
    }
  }
  return out
}

/** Every stored packet, as "author:seq:id", in the order history() gives. */
async function historyOf (pipeline: Pipeline): Promise<string[]> {
  const out: string[] = []
  for await (const p of pipeline.history()) out.push(`${p.sender.id}:${p.seq}:${p.id}`)
  return out
}

describe('persistent pipeline: store and forward', () => {
  const running: TestNode[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  it('sender offline: A puts 100 while connected to nobody, then connects; B and C get all 100', async () => {
    const net = networkId()
    const a = await startNode({ network: net, name: 'a', online: false })
    const b = await startNode({ network: net, name: 'b' })
    const c = await startNode({ network: net, name: 'c' })
    running.push(a, b, c)
    await connect(b, c)
    const checker = new DeliveryChecker()
    const nodes = { a, b, c }
    for (const [name, t] of Object.entries(nodes)) t.node.createPipeline({ name: PIPE, persistent: true }).addPacketListener(recordInto(checker, name))
    const pa = a.node.pipelineNamed(PIPE) as Pipeline
    await putMany(pa, 100, checker, ['a', 'b', 'c'], 'a')
    expect(a.node.stats().published).toBe(0)
    await a.transport.start()
    await connect(a, b)
    const report = await checker.waitForComplete({ timeout: 20_000 })
    expect(report).toMatchObject({ acknowledged: 100, lost: 0, duplicated: 0, outOfOrder: 0 })
    expect(checker.deliveredCount('c')).toBe(100)
  })

  it('receiver offline: B stops while A sends 100; restarted on the same directory it gets all 100, nothing twice', async () => {
    const net = networkId()
    const storeB = await levelStore()
    dirs.push(storeB.dir)
    const a = await startNode({ network: net, name: 'a' })
    let b = await startNode({ network: net, name: 'b', datastore: storeB.datastore })
    running.push(a, b)
    const identityB = b.identity
    await connect(a, b)
    const checker = new DeliveryChecker()
    const pa = a.node.createPipeline({ name: PIPE, persistent: true })
    pa.addPacketListener(recordInto(checker, 'a'))
    b.node.createPipeline({ name: PIPE, persistent: true }).addPacketListener(recordInto(checker, 'b'))
    // 10 while B is up, so B has something delivered before its restart
    await putMany(pa, 10, checker, ['a', 'b'], 'before')
    await waitFor(() => checker.deliveredCount('b') === 10, { timeout: 10_000, message: 'b got the first 10' })
    await b.stop()
    await storeB.close()
    await putMany(pa, 100, checker, ['a', 'b'], 'while-b-down')
    const reopened = await levelStore(storeB.dir)
    b = await startNode({ network: net, identity: identityB, datastore: reopened.datastore })
    running.push(b)
    b.node.createPipeline({ name: PIPE, persistent: true }).addPacketListener(recordInto(checker, 'b'))
    await connect(b, a)
    const report = await checker.waitForComplete({ timeout: 20_000 })
    expect(report).toMatchObject({ acknowledged: 110, lost: 0, duplicated: 0, outOfOrder: 0 })
    await b.stop()
    await reopened.close()
  })

  it('third party: A sends while B is offline and stops; B connects only to C and gets A\'s packets from C', async () => {
    const net = networkId()
    const a = await startNode({ network: net, name: 'a' })
    const c = await startNode({ network: net, name: 'c' })
    running.push(a, c)
    await connect(a, c)
    const checker = new DeliveryChecker()
    const pa = a.node.createPipeline({ name: PIPE, persistent: true })
    c.node.createPipeline({ name: PIPE, persistent: true }).addPacketListener(recordInto(checker, 'c'))
    await putMany(pa, 60, checker, ['b', 'c'], 'a')
    await waitFor(() => checker.deliveredCount('c') === 60, { timeout: 10_000, message: 'c holds all of a' })
    await a.stop()
    const b = await startNode({ network: net, name: 'b' })
    running.push(b)
    b.node.createPipeline({ name: PIPE, persistent: true }).addPacketListener(recordInto(checker, 'b'))
    await connect(b, c)
    const report = await checker.waitForComplete({ timeout: 20_000 })
    expect(report).toMatchObject({ acknowledged: 60, lost: 0, duplicated: 0, outOfOrder: 0 })
    expect(b.transport.peers()).not.toContain(a.transport.peerId)
  })

  it('partition: {A,B} and {C,D} each send 200 while split; after healing every node holds all 800 in the same per-author order', async () => {
    const net = networkId()
    const names = ['a', 'b', 'c', 'd']
    const nodes = await Promise.all(names.map(async name => await startNode({ network: net, name })))
    running.push(...nodes)
    const [a, b, c, d] = nodes as [TestNode, TestNode, TestNode, TestNode]
    for (const [x, y] of [[a, b], [a, c], [a, d], [b, c], [b, d], [c, d]] as Array<[TestNode, TestNode]>) await connect(x, y)
    const checker = new DeliveryChecker()
    const pipes = nodes.map((t, i) => {
      const p = t.node.createPipeline({ name: PIPE, persistent: true })
      p.addPacketListener(recordInto(checker, names[i] as string))
      return p
    })
    const split = await partition([[a.transport, b.transport], [c.transport, d.transport]])
    await Promise.all(pipes.map(async (p, i) => await putMany(p, 200, checker, names, names[i] as string, 20)))
    // each side holds its own 400 while split
    await waitFor(() => checker.deliveredCount('a') === 400 && checker.deliveredCount('c') === 400, { timeout: 20_000, message: 'each side synced within itself' })
    expect(checker.deliveredCount('a')).toBe(400)
    await split.heal()
    const report = await checker.waitForComplete({ timeout: 30_000 })
    expect(report).toMatchObject({ acknowledged: 800, lost: 0, duplicated: 0, outOfOrder: 0 })
    const histories = await Promise.all(pipes.map(historyOf))
    expect(histories[0]).toHaveLength(800)
    for (const h of histories.slice(1)) expect(h).toEqual(histories[0])
  }, 60_000)
})
