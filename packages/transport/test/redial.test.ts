import { afterEach, expect, it } from 'vitest'
import { libp2pOf, topicFor } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { meshPeers, Nodes, text, uniqueNetwork, utf8 } from './helpers.js'

const nodes = new Nodes()
afterEach(async () => { await nodes.stopAll() })

it('a node whose connections drop is back in the mesh without the app doing anything', async () => {
  const id = uniqueNetwork('redial')
  const boot = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'] }, {}, 'boot')
  const x = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: boot.addresses() }, {}, 'x')
  const y = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: boot.addresses() }, {}, 'y')
  const topic = topicFor(id, 'live')
  const gotX: string[] = []
  x.subscribe(topic, m => { gotX.push(text(m.data)) })
  boot.subscribe(topic, () => {})
  y.subscribe(topic, () => {})
  await waitFor(() => x.peers().includes(boot.peerId) && y.peers().includes(boot.peerId), { message: 'star formed' })

  // the network drops every connection of x (not a hang-up by the app)
  const dropped: string[] = []
  x.addEventListener('peer:disconnect', e => { dropped.push(e.detail) })
  for (const conn of libp2pOf(x).getConnections()) conn.abort(new Error('simulated network drop'))
  await waitFor(() => dropped.length > 0, { message: 'x noticed the drop' })

  await waitFor(() => x.peers().includes(boot.peerId), { message: 'x reconnected to its bootstrap node' })
  const redials = [boot, x, y].reduce((sum, n) => sum + n.stats().redialSuccesses, 0)
  expect(redials).toBeGreaterThan(0)

  await waitFor(() => meshPeers(x, topic).length > 0, { message: 'x back in the topic mesh' })
  await waitFor(async () => {
    await y.publish(topic, utf8(`after the drop ${Date.now()}`))
    return gotX.length > 0
  }, { message: 'x receives messages again' })
  expect(gotX[0]).toMatch(/^after the drop/)
})

it('stop() cancels pending redials: a node whose bootstrap is gone stops cleanly', async () => {
  const id = uniqueNetwork('redial-stop')
  const boot = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'] }, {}, 'boot')
  const x = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: boot.addresses() }, {}, 'x')
  await waitFor(() => x.peers().includes(boot.peerId), { message: 'connected' })
  await boot.stop()
  await waitFor(() => x.stats().redialFailures > 0, { message: 'x tried to redial and failed' })
  await x.stop()
  const after = x.stats().redials
  await new Promise(resolve => setTimeout(resolve, 300)) // longer than the redial delay: nothing may run now
  expect(x.stats().redials).toBe(after)
})

it('a lost non-bootstrap peer is redialed a bounded number of times, then forgotten', async () => {
  const id = uniqueNetwork('redial-bounded')
  const options = { redial: { baseDelayMs: 20, maxDelayMs: 40, maxAttempts: 3 } }
  const a = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'] }, options, 'a')
  const b = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'] }, options, 'b')
  await a.dial(b.addresses()[0]!)
  await waitFor(() => a.peers().includes(b.peerId), { message: 'connected' })
  await b.stop()
  await waitFor(() => a.stats().redialFailures === 3, { message: 'three failed attempts' })
  // the round is over: wait well past its longest delay, nothing more happens
  await new Promise(resolve => setTimeout(resolve, 300))
  expect(a.stats()).toMatchObject({ redials: 3, redialFailures: 3, redialSuccesses: 0 })
})
