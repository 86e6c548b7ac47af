import { afterEach, expect, it } from 'vitest'
import { generatePsk, libp2pOf, topicFor } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { meshPeers, Nodes, text, uniqueNetwork, utf8 } from './helpers.js'

const nodes = new Nodes()
afterEach(async () => { await nodes.stopAll() })

it('two networks on one machine exchange no pubsub messages and no DHT records, and refuse each other', async () => {
  const netA = uniqueNetwork('iso-a')
  const netB = uniqueNetwork('iso-b')
  const a1 = await nodes.create({ id: netA, listen: ['/ip4/127.0.0.1/tcp/0'] }, {}, 'a1')
  const a2 = await nodes.create({ id: netA, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: a1.addresses() }, {}, 'a2')
  const b1 = await nodes.create({ id: netB, listen: ['/ip4/127.0.0.1/tcp/0'] }, {}, 'b1')
  await waitFor(() => a1.peers().includes(a2.peerId), { message: 'a1 and a2 connected' })

  // the same topic string on both sides: only protocol scoping keeps them apart
  const topic = '/shared/topic'
  const gotA1: string[] = []
  a1.subscribe(topic, m => { gotA1.push(text(m.data)) })
  b1.subscribe(topic, () => {})
  a2.subscribe(topic, () => {})

  // b1 (another network) dials a1, e.g. after finding it on the LAN: a1 hangs up and refuses it
  await b1.dial(a1.addresses()[0]!).catch(() => {})
  await waitFor(() => a1.stats().foreignPeers + b1.stats().foreignPeers >= 1, { message: 'the foreign peer was recognised' })
  await waitFor(() => libp2pOf(a1).getConnections(libp2pOf(b1).peerId).length === 0, { message: 'the foreign connection was closed' })
  expect(a1.peers()).not.toContain(b1.peerId)
  expect(b1.peers()).not.toContain(a1.peerId)
  await expect(b1.dial(a1.addresses()[0]!)).rejects.toThrow()

  // b1's message does not reach network A; a2's does
  await waitFor(() => meshPeers(a2, topic).includes(a1.peerId), { message: 'a2 meshed with a1' })
  const fromB = await b1.publish(topic, utf8('from network B'))
  expect(fromB.recipients).toBe(0)
  await a2.publish(topic, utf8('from network A'))
  await waitFor(() => gotA1.length > 0, { message: 'a1 got the message of its own network' })
  expect(gotA1).toEqual(['from network A'])

  // network B's DHT cannot find peers of network A
  await expect(b1.findPeer(a2.peerId, { signal: AbortSignal.timeout(3000) })).rejects.toMatchObject({ code: 'ERR_PEER_NOT_FOUND' })
  expect(topicFor(netA, 'chat')).not.toBe(topicFor(netB, 'chat'))
})

it('a network with a psk refuses peers without it', async () => {
  const id = uniqueNetwork('psk')
  const psk = generatePsk()
  const p1 = await nodes.create({ id, psk, listen: ['/ip4/127.0.0.1/tcp/0'] }, {}, 'p1')
  const p2 = await nodes.create({ id, psk, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: p1.addresses() }, {}, 'p2')
  const open = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'] }, {}, 'open')
  const other = await nodes.create({ id, psk: generatePsk(), listen: ['/ip4/127.0.0.1/tcp/0'] }, {}, 'other-psk')
  await waitFor(() => p1.peers().includes(p2.peerId), { message: 'nodes sharing the psk connect' })

  await expect(open.dial(p1.addresses()[0]!)).rejects.toThrow()
  await expect(other.dial(p1.addresses()[0]!)).rejects.toThrow()
  await expect(p1.dial(open.addresses()[0]!)).rejects.toThrow()
  expect(p1.peers()).toEqual([p2.peerId])
  expect(open.peers()).toEqual([])
  expect(other.peers()).toEqual([])
})
