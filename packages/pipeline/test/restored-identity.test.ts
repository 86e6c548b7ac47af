import { waitFor } from '@pipes/testkit'
import { MemoryDatastore } from 'datastore-core'
import { afterEach, describe, expect, it } from 'vitest'
import { OwnHeadsUnknownError } from '../src/index.js'
import { connect, enc, networkId, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { Packet, Pipeline } from '../src/index.js'

const PIPE = 'log'

/** The seqs of `author`'s packets in a pipeline's history. */
async function seqsOf (pipeline: Pipeline, author: string): Promise<number[]> {
  const out: number[] = []
  for await (const p of pipeline.history()) if (p.sender.id === author) out.push(p.seq)
  return out
}

describe('an identity restored onto an empty store', () => {
  const running: TestNode[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  })

  it('refuses to write until a sync told it its own head, then continues at seq 4 with no fork', async () => {
    const net = networkId()
    // the first device writes 3 entries, which reach a peer; then it is gone
    const a = await startNode({ network: net, name: 'a' })
    const b = await startNode({ network: net, name: 'b' })
    running.push(a, b)
    await connect(a, b)
    const pa = a.node.createPipeline({ name: PIPE, persistent: true })
    const pb = b.node.createPipeline({ name: PIPE, persistent: true })
    for (let i = 1; i <= 3; i++) await pa.putPacket(enc(`a-${i}`))
    const author = a.identity.id
    await waitFor(async () => (await seqsOf(pb, author)).length === 3, { timeout: 10_000 })
    await a.stop()
    running.splice(running.indexOf(a), 1)

    // the same key on a new device with an empty store, offline at first
    const datastore = new MemoryDatastore()
    const a2 = await startNode({ network: net, identity: a.identity, datastore, node: { restored: true } })
    running.push(a2)
    const p2 = a2.node.createPipeline({ name: PIPE, persistent: true })
    const early = await p2.putPacket(enc('too early')).then(() => undefined, (err: unknown) => err)
    expect(early).toBeInstanceOf(OwnHeadsUnknownError)
    expect((early as OwnHeadsUnknownError).code).toBe('ERR_OWN_HEADS_UNKNOWN')
    expect(await seqsOf(p2, author)).toEqual([])

    await connect(a2, b)
    // puts work once the sync brought our own 3 entries back
    await waitFor(async () => (await seqsOf(p2, author)).length === 3, { timeout: 10_000 })
    // the session's vector may finish a moment after its entries are stored
    let next: Packet | undefined
    await waitFor(async () => {
      next = await p2.putPacket(enc('a-4')).catch((err: unknown) => {
        if (err instanceof OwnHeadsUnknownError) return undefined
        throw err
      })
      return next !== undefined
    }, { timeout: 10_000 })
    expect(next?.seq).toBe(4)
    await waitFor(async () => (await seqsOf(pb, author)).length === 4, { timeout: 10_000 })
    expect(await seqsOf(pb, author)).toEqual([1, 2, 3, 4])
    expect(b.node.stats().forks).toBe(0)
    expect(a2.node.stats().forks).toBe(0)

    // the store now knows this identity's log: a restart writes offline at once
    await a2.stop()
    running.splice(running.indexOf(a2), 1)
    const a3 = await startNode({ network: net, identity: a.identity, datastore, online: false, node: { restored: true } })
    running.push(a3)
    const p3 = a3.node.createPipeline({ name: PIPE, persistent: true })
    expect((await p3.putPacket(enc('a-5'))).seq).toBe(5)
  })

  it('a restored owner of an encrypted pipeline adopts its genesis from a peer instead of writing a second one', async () => {
    const net = networkId()
    const a = await startNode({ network: net, name: 'owner' })
    const b = await startNode({ network: net, name: 'member' })
    running.push(a, b)
    await connect(a, b)
    const got: string[] = []
    const pb = b.node.createPipeline({ name: 'room', persistent: true, encrypted: { owner: a.identity.id } })
    pb.addPacketListener((p) => { got.push(new TextDecoder().decode(p.data)) })
    const pa = a.node.createPipeline({ name: 'room', persistent: true, encrypted: { members: [b.identity.public()] } })
    const first = await pa.putPacket(enc('one'))
    await waitFor(() => got.includes('one'), { timeout: 10_000 })
    await a.stop()
    running.splice(running.indexOf(a), 1)

    const a2 = await startNode({ network: net, identity: a.identity, datastore: new MemoryDatastore(), node: { restored: true } })
    running.push(a2)
    const p2 = a2.node.createPipeline({ name: 'room', persistent: true, encrypted: { members: [b.identity.public()] } })
    await expect(p2.putPacket(enc('early'))).rejects.toBeInstanceOf(OwnHeadsUnknownError)
    await connect(a2, b)
    let next: Packet | undefined
    await waitFor(async () => {
      next = await p2.putPacket(enc('two')).catch((err: unknown) => {
        if (err instanceof OwnHeadsUnknownError) return undefined
        throw err
      })
      return next !== undefined
    }, { timeout: 10_000 })
    expect(next?.seq).toBe(first.seq + 1)
    await waitFor(() => got.includes('two'), { timeout: 10_000 })
    expect(b.node.stats().forks).toBe(0)
    expect(a2.node.stats().forks).toBe(0)
  })

  it('a node that is not restored (the default) writes offline from seq 1', async () => {
    const a = await startNode({ network: networkId(), name: 'fresh', online: false })
    running.push(a)
    const p = a.node.createPipeline({ name: PIPE, persistent: true })
    expect((await p.putPacket(enc('first'))).seq).toBe(1)
  })
})
