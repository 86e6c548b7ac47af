import { afterEach, expect, it } from 'vitest'
import { startHostilePeer, waitFor, withTimeout } from '@pipes/testkit'
import { protocolFor } from '@pipes/transport'
import { connect, dec, enc, networkId, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'

const nodes: TestNode[] = []
afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

// Regression: the peer with the larger id waits before its own first session
// and skips it if the other side already synced. A pipeline it created in
// that window asked for a sync that the pending timer swallowed, so the
// pipeline's entries waited for the periodic sync. Here the second side waits
// 30 s and the periodic sync is a minute away, so only the request can deliver
// within the test's 10 s.
it('a pipeline created right after connecting syncs at once, on whichever side of the connection', async () => {
  const net = networkId('sched')
  const slow = { syncIntervalMs: 60_000, node: { secondSideDelayMs: 30_000 } }
  const a = await startNode({ network: net, name: 'a', ...slow })
  const b = await startNode({ network: net, name: 'b', ...slow })
  nodes.push(a, b)
  const [first, second] = a.transport.peerId < b.transport.peerId ? [a, b] : [b, a]

  const written = first.node.createPipeline({ name: 'late', persistent: true })
  await written.putPacket(enc('written before the second side had the pipeline'))

  await connect(first, second)
  // the first side's session at connect has run: the second side knows no 'late' yet
  await waitFor(() => first.node.stats().sync.sessions >= 1 && second.node.stats().sync.sessions >= 1, { timeout: 10_000, message: 'connect session' })

  const got: string[] = []
  second.node.createPipeline({ name: 'late', persistent: true }).addPacketListener(p => { got.push(dec(p.data)) })
  await waitFor(() => got.length === 1, { timeout: 10_000, message: 'the second side pulls the entry it lacks' })
  expect(got).toEqual(['written before the second side had the pipeline'])
})

it('stop() does not wait for a peer that holds a sync session open and says nothing', async () => {
  const net = networkId('sched')
  const victim = await startNode({ network: net, name: 'victim' })
  nodes.push(victim)
  const silent = await startHostilePeer({ networkId: net })
  try {
    await silent.dial(victim.transport.addresses()[0] as string)
    // open a sync stream and never write: the victim's session waits on it (idle timeout 30 s)
    const connection = silent.libp2p.getConnections().find(c => c.remotePeer.toString() === victim.transport.peerId)
    if (connection === undefined) throw new Error('the silent peer is not connected')
    const stream = await connection.newStream(protocolFor(net, 'sync', '4.0.0'))
    expect(stream.status).toBe('open')
    await withTimeout(victim.node.stop(), 5_000, 'node.stop() with a silent sync peer')
    expect(victim.node.started).toBe(false)
  } finally {
    await silent.stop()
  }
})
