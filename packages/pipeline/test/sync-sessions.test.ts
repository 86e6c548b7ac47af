import { afterEach, expect, it } from 'vitest'
import { startHostilePeer, waitFor } from '@pipes/testkit'
import { libp2pOf, protocolFor, topicFor } from '@pipes/transport'
import { connect, dec, enc, networkId, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { HostilePeer } from '@pipes/testkit'

const nodes: TestNode[] = []
const hostiles: HostilePeer[] = []
afterEach(async () => {
  await Promise.all(nodes.splice(0).map(async n => { await n.stop() }))
  await Promise.all(hostiles.splice(0).map(async h => { await h.stop() }))
})

// Regression: the larger-id side's delayed session checked only whether a
// session had ended since connecting, so a catch-up longer than the delay got
// a second session streaming the same entries.
it('a catch-up that outlasts the second side\'s delay runs as one session', async () => {
  const net = networkId('one')
  const opts = { syncIntervalMs: 60_000, node: { secondSideDelayMs: 50 } }
  const full = await startNode({ network: net, name: 'full', ...opts })
  const empty = await startNode({ network: net, name: 'empty', ...opts })
  nodes.push(full, empty)
  const total = 3000
  const source = full.node.createPipeline({ name: 'log', persistent: true })
  for (let i = 0; i < total; i += 100) {
    await Promise.all(Array.from({ length: 100 }, async (_, j) => await source.putPacket(enc(`e${i + j}`))))
  }
  let got = 0
  empty.node.createPipeline({ name: 'log', persistent: true }).addPacketListener(() => { got++ })
  await connect(full, empty)
  await waitFor(() => got === total, { timeout: 30_000, message: 'the catch-up' })
  // a second session would be due or under way now: wait until neither side has one running or scheduled
  const idle = (n: TestNode): boolean => n.node.stats().sync.running === 0 && n.node.stats().sync.scheduled === 0
  await waitFor(() => full.node.stats().sync.sessions + full.node.stats().sync.failed >= 1 && empty.node.stats().sync.sessions >= 1 && idle(full) && idle(empty), { timeout: 10_000, message: 'sessions end, none due' })
  expect(full.node.stats().sync.entriesSent).toBe(total)
  expect(full.node.stats().sync.sessions).toBe(1)
  expect(empty.node.stats().sync.sessions).toBe(1)
})

// Regression: a failed session waited a whole sync interval (30 s) before the next.
it('a failed session is retried within seconds, not a sync interval later', async () => {
  const net = networkId('retry')
  const node = await startNode({ network: net, name: 'victim', syncIntervalMs: 30_000, node: { secondSideDelayMs: 1 } })
  nodes.push(node)
  const hostile = await startHostilePeer({ networkId: net })
  hostiles.push(hostile)
  let opened = 0
  await hostile.libp2p.handle(protocolFor(net, 'sync', '4.0.0'), (stream: { abort: (err: Error) => void }) => {
    opened++
    stream.abort(new Error('this peer aborts every sync session'))
  })
  await hostile.dial(node.transport.addresses()[0] as string)
  await waitFor(() => opened >= 3, { timeout: 8_000, message: 'sessions retried after failing' })
  expect(node.node.stats().sync.failed).toBeGreaterThanOrEqual(2)
})

// Regression: one peer could hold every inbound sync slot for ever.
it('one peer gets at most two inbound sessions at once, and a session ends at its deadline', async () => {
  const net = networkId('caps')
  const node = await startNode({ network: net, name: 'victim', syncIntervalMs: 60_000, node: { syncLimits: { sessionTimeoutMs: 1500 } } })
  nodes.push(node)
  const hostile = await startHostilePeer({ networkId: net })
  hostiles.push(hostile)
  await hostile.dial(node.transport.addresses()[0] as string)
  const connection = hostile.libp2p.getConnections().find(c => c.remotePeer.toString() === node.transport.peerId)
  if (connection === undefined) throw new Error('not connected')
  const streams = await Promise.all(Array.from({ length: 6 }, async () => await connection.newStream(protocolFor(net, 'sync', '4.0.0'))))
  // four are refused at once; the two it serves say nothing and end at the 1.5 s deadline (the idle timeout is 30 s)
  await waitFor(() => node.node.stats().sync.refused >= 4, { timeout: 5_000, message: 'refusals over the per-peer cap' })
  expect(node.node.stats().sync.refused).toBe(4)
  await waitFor(() => streams.every(s => s.status !== 'open'), { timeout: 8_000, message: 'every stream ended by the deadline' })
  expect(node.node.stats().sync.failed).toBeGreaterThanOrEqual(2)
})

// Regression: one refused batch aborted the whole session, starving every later pipeline.
it('a refused batch skips its author; later pipelines sync in the same session', async () => {
  const net = networkId('skip')
  const opts = { syncIntervalMs: 60_000 }
  const a = await startNode({ network: net, name: 'a', ...opts })
  const b = await startNode({ network: net, name: 'b', ...opts })
  nodes.push(a, b)
  await a.node.createPipeline({ name: 'first', persistent: true, maxPacketBytes: 8192 }).putPacket(new Uint8Array(6000))
  await a.node.createPipeline({ name: 'second', persistent: true }).putPacket(enc('after the refused one'))
  b.node.createPipeline({ name: 'first', persistent: true, maxPacketBytes: 1024 })
  const got: string[] = []
  b.node.createPipeline({ name: 'second', persistent: true }).addPacketListener(p => { got.push(dec(p.data)) })
  await connect(a, b)
  await waitFor(() => got.length === 1, { timeout: 10_000, message: 'the later pipeline syncs' })
  expect(got).toEqual(['after the refused one'])
  expect(b.node.stats().sync.authorsSkipped).toBeGreaterThanOrEqual(1)
  expect(b.node.stats().rejects['too-large']).toBeGreaterThanOrEqual(1)
})

// Regression: a put that gossip delivered to no one (before the mesh forms,
// most often) waited for the periodic sync (30 s). Here b's gossipsub leaves
// the topic while its pipeline stays: a's publish reaches no peer, as before
// a mesh forms, and only sync can deliver within the test's 5 s.
it('a put that gossip sent to fewer peers than are connected goes out over sync at once', async () => {
  const net = networkId('reach')
  const opts = { syncIntervalMs: 30_000, node: { secondSideDelayMs: 30_000 } }
  const a = await startNode({ network: net, name: 'a', ...opts })
  const b = await startNode({ network: net, name: 'b', ...opts })
  nodes.push(a, b)
  const writer = a.node.createPipeline({ name: 'chat', persistent: true })
  const got: string[] = []
  b.node.createPipeline({ name: 'chat', persistent: true }).addPacketListener(p => { got.push(dec(p.data)) })
  await connect(a, b)
  await waitFor(() => a.node.stats().sync.sessions >= 1 && b.node.stats().sync.sessions >= 1, { timeout: 10_000, message: 'the connect session' })
  const topic = topicFor(net, 'chat')
  libp2pOf(b.transport).services.pubsub.unsubscribe(topic)
  await waitFor(() => !a.transport.subscribers(topic).includes(b.transport.peerId), { timeout: 5_000, message: 'b left the topic' })
  await writer.putPacket(enc('first words'))
  await waitFor(() => got.length === 1, { timeout: 5_000, message: 'the put arrives over sync' })
  expect(got).toEqual(['first words'])
})
