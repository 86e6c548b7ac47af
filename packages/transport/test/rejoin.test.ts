import { generateIdentity } from '@pipes/identity'
import { afterEach, expect, it } from 'vitest'
import { createTransport, topicFor } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { FAST, meshPeers, nextMessage, Nodes, text, uniqueNetwork, utf8 } from './helpers.js'
import type { Transport } from '../src/index.js'

const nodes = new Nodes()
const extra: Transport[] = []
afterEach(async () => {
  await Promise.all(extra.splice(0).map(async n => { await n.stop() }))
  await nodes.stopAll()
})

// Heartbeats far apart: any mesh link seen in this test was made at once
// (graft on subscribe), not by a heartbeat filling the mesh.
const SLOW_HEARTBEAT = { heartbeatMs: 60_000 }

it('a node that stops cleanly and comes back is grafted again at once, not held in PRUNE backoff', async () => {
  const id = uniqueNetwork('rejoin')
  const topic = topicFor(id, 'line')
  const identityB = generateIdentity('b')
  const listenB = `/memory/${id}-b`
  const startB = async (): Promise<Transport> => {
    const node = await createTransport({ identity: identityB, network: { id, listen: [listenB] }, options: { ...FAST, ...SLOW_HEARTBEAT } })
    extra.push(node)
    return node
  }
  // the line A - B - C: A and C know only B
  let b = await startB()
  const a = await nodes.create({ id, listen: [`/memory/${id}-a`], bootstrap: b.addresses() }, SLOW_HEARTBEAT, 'a')
  const c = await nodes.create({ id, listen: [`/memory/${id}-c`], bootstrap: b.addresses() }, SLOW_HEARTBEAT, 'c')
  let unsubscribeB = b.subscribe(topic, () => {})
  a.subscribe(topic, () => {})
  c.subscribe(topic, () => {})
  await waitFor(() => meshPeers(a, topic).includes(b.peerId) && meshPeers(c, topic).includes(b.peerId), { message: 'first mesh A-B-C' })
  const first = nextMessage(c, topic)
  await a.publish(topic, utf8('before'))
  expect(text(await first)).toBe('before')

  // a clean stop: leave the topic (gossipsub PRUNEs its mesh peers), then stop
  unsubscribeB()
  await waitFor(() => !meshPeers(a, topic).includes(b.peerId) && !meshPeers(c, topic).includes(b.peerId), { message: 'A and C saw the PRUNE' })
  await b.stop()
  extra.splice(extra.indexOf(b), 1)
  await waitFor(() => !a.peers().includes(b.peerId) && !c.peers().includes(b.peerId), { message: 'B gone' })

  // the same identity comes back on the same address; A and C redial it
  b = await startB()
  unsubscribeB = b.subscribe(topic, () => {})
  await waitFor(() => a.peers().includes(b.peerId) && c.peers().includes(b.peerId), { message: 'B back' })
  await waitFor(() => meshPeers(a, topic).includes(b.peerId) && meshPeers(c, topic).includes(b.peerId) &&
    meshPeers(b, topic).length === 2, { message: 'B grafted again by A and C (well before a heartbeat)', timeout: 5_000 })
  const second = nextMessage(c, topic)
  await a.publish(topic, utf8('after'))
  expect(text(await second)).toBe('after')
  unsubscribeB()
})
