import { afterEach, describe, expect, it } from 'vitest'
import { TransportStoppedError, topicFor } from '../src/index.js'
import type { Transport } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { meshPeers, Nodes, text, uniqueNetwork, utf8 } from './helpers.js'

const nodes = new Nodes()
afterEach(async () => { await nodes.stopAll() })

describe('a network formed from one bootstrap node', () => {
  it('5 nodes that know only the bootstrap node form a mesh and all receive a published message', async () => {
    const id = uniqueNetwork('mesh')
    const boot = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'], relay: true }, {}, 'boot')
    const members: Transport[] = []
    for (let i = 0; i < 5; i++) {
      members.push(await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: boot.addresses() }, {}, `m${i}`))
    }
    // the DHT tells them about each other: each ends up with peers besides the bootstrap node
    await waitFor(() => members.every(m => m.peers().some(p => p !== boot.peerId)), { message: 'members connected to each other', timeout: 20_000 })

    const topic = topicFor(id, 'chat')
    const received = new Map<string, string[]>()
    for (const node of [boot, ...members]) {
      received.set(node.peerId, [])
      node.subscribe(topic, msg => { received.get(node.peerId)?.push(text(msg.data)) })
    }
    const sender = members[0]!
    await waitFor(() => meshPeers(sender, topic).length > 0, { message: 'sender has a mesh for the topic' })
    await waitFor(() => [boot, ...members].every(n => meshPeers(n, topic).length > 0), { message: 'every node in the topic mesh' })
    await sender.publish(topic, utf8('hello mesh'))

    const others = [boot, ...members.slice(1)]
    await waitFor(() => others.every(n => (received.get(n.peerId) ?? []).length > 0), { message: 'every other node received the message' })
    for (const node of others) expect(received.get(node.peerId)).toEqual(['hello mesh'])
    expect(received.get(sender.peerId)).toEqual([]) // no echo to the publisher
    expect(boot.stats().topics[topic]?.accepted).toBe(1)
  })

  it('publishing with no subscriber resolves; publishing on a stopped transport throws a typed error', async () => {
    const id = uniqueNetwork('alone')
    const node = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'] })
    const result = await node.publish(topicFor(id, 'void'), utf8('nobody listens'))
    expect(result).toEqual({ recipients: 0, duplicate: false })
    expect(node.stats().published).toBe(1)
    // the same bytes again have the same id: a no-op, counted, not an error
    expect(await node.publish(topicFor(id, 'void'), utf8('nobody listens'))).toEqual({ recipients: 0, duplicate: true })
    expect(node.stats()).toMatchObject({ published: 1, duplicatePublishes: 1 })
    await node.stop()
    expect(node.started).toBe(false)
    await expect(node.publish(topicFor(id, 'void'), utf8('x'))).rejects.toBeInstanceOf(TransportStoppedError)
    await expect(node.publish(topicFor(id, 'void'), utf8('x'))).rejects.toMatchObject({ code: 'ERR_TRANSPORT_STOPPED' })
  })

  it('emits peer:connect and peer:disconnect with the peer id', async () => {
    const id = uniqueNetwork('events')
    const a = await nodes.create({ id, listen: ['/memory/' + id + '-a'] })
    const b = await nodes.create({ id, listen: ['/memory/' + id + '-b'] })
    const connected: string[] = []
    const disconnected: string[] = []
    a.addEventListener('peer:connect', e => { connected.push(e.detail) })
    a.addEventListener('peer:disconnect', e => { disconnected.push(e.detail) })
    await a.dial(b.addresses()[0]!)
    await waitFor(() => connected.length === 1, { message: 'peer:connect' })
    expect(connected).toEqual([b.peerId])
    expect(a.peers()).toEqual([b.peerId])
    await a.hangUp(b.peerId)
    await waitFor(() => disconnected.length === 1, { message: 'peer:disconnect' })
    expect(disconnected).toEqual([b.peerId])
    expect(a.peers()).toEqual([])
  })
})
