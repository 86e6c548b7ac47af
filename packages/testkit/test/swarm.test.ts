import { topicFor } from '@pipes/transport'
import type { Transport } from '@pipes/transport'
import { afterEach, describe, expect, it } from 'vitest'
import { partition, startSwarm, waitFor } from '../src/index.js'
import type { Swarm } from '../src/index.js'

let swarm: Swarm | undefined
afterEach(async () => { await swarm?.stop(); swarm = undefined })

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('startSwarm', () => {
  it('starts a star on 127.0.0.1 TCP: every node connected to the hub, with its own identity', async () => {
    swarm = await startSwarm({ n: 4, transport: 'tcp', topology: 'star' })
    const [hub, ...leaves] = swarm.nodes
    expect(swarm.nodes).toHaveLength(4)
    for (const leaf of leaves) expect(leaf.peers()).toContain(hub!.peerId)
    expect(swarm.nodes.map(n => n.peerId)).toEqual(swarm.identities.map(i => i.id))
    expect(new Set(swarm.nodes.map(n => n.peerId)).size).toBe(4)
    for (const node of swarm.nodes) expect(node.addresses()[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
  })

  it('starts a full mesh on the memory transport, and stop() stops them all', async () => {
    swarm = await startSwarm({ n: 4, transport: 'memory', topology: 'full' })
    for (const node of swarm.nodes) expect(node.peers()).toHaveLength(3)
    await swarm.stop()
    expect(swarm.nodes.every(n => !n.started)).toBe(true)
  })

  it('passes the message id function to every node: equal ids are one message', async () => {
    // The id is everything before the first space, so "same A" and "same B" are one message.
    const idOf = (data: Uint8Array): Uint8Array => { const i = data.indexOf(0x20); return i < 0 ? data : data.subarray(0, i) }
    swarm = await startSwarm({ n: 2, transport: 'memory', topology: 'full', messageId: idOf })
    const [a, b] = swarm.nodes as [Transport, Transport]
    const topic = topicFor(swarm.network.id, 'ids')
    const got: string[] = []
    b.subscribe(topic, m => { got.push(new TextDecoder().decode(m.data)) })
    a.subscribe(topic, () => {})
    let n = 0
    await waitFor(async () => { await a.publish(topic, utf8(`hello-${n++} x`)); return got.length > 0 }, { timeout: 10_000, message: 'b hears a' })
    expect(await a.publish(topic, utf8('same A'))).toMatchObject({ duplicate: false })
    expect(await a.publish(topic, utf8('same B'))).toEqual({ recipients: 0, duplicate: true })
    await a.publish(topic, utf8('other C'))
    await waitFor(() => got.includes('other C'), { timeout: 10_000, message: 'b hears the distinct message' })
    expect(got).toContain('same A')
    expect(got).not.toContain('same B')
  })

  it('starts unconnected nodes with topology none', async () => {
    swarm = await startSwarm({ n: 3, topology: 'none', options: { minConnections: 0 } })
    for (const node of swarm.nodes) expect(node.peers()).toEqual([])
  })
})

describe('partition', () => {
  it('cuts the groups apart until healed: no connection, no message across, then both again', async () => {
    swarm = await startSwarm({ n: 4, transport: 'memory', topology: 'full' })
    const [a, b, c, d] = swarm.nodes as [typeof swarm.nodes[0], typeof swarm.nodes[0], typeof swarm.nodes[0], typeof swarm.nodes[0]]
    const topic = topicFor(swarm.network.id, 'split')
    const gotC: string[] = []
    const gotB: string[] = []
    c.subscribe(topic, m => { gotC.push(new TextDecoder().decode(m.data)) })
    b.subscribe(topic, m => { gotB.push(new TextDecoder().decode(m.data)) })
    a.subscribe(topic, () => {})
    d.subscribe(topic, () => {})

    const split = await partition([[a, b], [c, d]])
    expect(a.peers().sort()).toEqual([b.peerId])
    expect(c.peers().sort()).toEqual([d.peerId])
    // redialing and explicit dials across the cut are refused while it lasts
    await expect(a.dial(c.addresses()[0]!)).rejects.toThrow()

    await waitFor(async () => { await a.publish(topic, utf8(`inside ${Date.now()}`)); return gotB.length > 0 }, { timeout: 10_000, message: 'b hears a' })
    expect(gotC).toEqual([])

    await split.heal()
    for (const node of swarm.nodes) expect(node.peers()).toHaveLength(3)
    await waitFor(async () => { await a.publish(topic, utf8(`healed ${Date.now()}`)); return gotC.length > 0 }, { timeout: 10_000, message: 'c hears a after heal' })
    expect(gotC[0]).toMatch(/^healed/)
  })
})
