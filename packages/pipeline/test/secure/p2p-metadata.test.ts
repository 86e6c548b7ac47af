// What a point-to-point conversation shows to others: routing tags (a storing peer), the direct push
// (DHT nodes and network observers) and the sync HELLO (any peer). See README "What each observer learns".
import { bytesToHex } from '@pipes/identity'
import { startHostilePeer, waitFor } from '@pipes/testkit'
import { protocolFor } from '@pipes/transport'
import { afterEach, describe, expect, it } from 'vitest'
import { MAILBOX_PIPELINE } from '../../src/index.js'
import { PAIR_TAG_BYTES } from '../../src/secure/pair-codec.js'
import { SYNC_PROTOCOL_VERSION } from '../../src/sync-session.js'
import { connect, dec, enc, networkId, startNode } from '../helpers.js'
import { storedEnvelopes, triangle } from './net-helpers.js'
import type { HostilePeer } from '@pipes/testkit'
import type { TestNode } from '../helpers.js'

describe('point-to-point metadata', () => {
  const running: TestNode[] = []
  const hostiles: HostilePeer[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
    await Promise.all(hostiles.splice(0).map(async h => { await h.stop() }))
  })

  // Regression: one tag for both directions of a conversation, the same for every envelope.
  it('a storing peer sees another routing tag on every envelope, in both directions', async () => {
    const { a, b, c } = await triangle(networkId('tags'), running)
    const pa = a.node.createPipeline({ name: 'dm', peer: b.identity.public() })
    const pb = b.node.createPipeline({ name: 'dm', peer: a.identity.public() })
    const got: string[] = []
    pa.addPacketListener(p => { got.push(dec(p.data)) })
    pb.addPacketListener(p => { got.push(dec(p.data)) })
    for (let i = 0; i < 10; i++) {
      await pa.putPacket(enc(`to bob ${i}`))
      await pb.putPacket(enc(`to alice ${i}`))
    }
    await waitFor(() => got.length === 40, { timeout: 20_000, message: 'both ends got all 20, their own included' })
    // twenty envelopes and the two prekey records
    await waitFor(() => c.node.stats().mailbox.entries >= 22, { timeout: 20_000, message: 'carol stored the 20 envelopes' })
    const tags = new Set<string>()
    const authors = new Set<string>()
    for (const entry of await storedEnvelopes(c.datastore)) {
      tags.add(bytesToHex(entry.payload.subarray(0, PAIR_TAG_BYTES)))
      authors.add(bytesToHex(entry.author))
    }
    expect(authors.size).toBe(2)
    expect(tags.size).toBe(20)
  })

  // Regression: the outbox always looked the peer up in the DHT and dialed it.
  it('only with directPush does the outbox look the peer up and dial it; by default delivery goes through the storing peer', async () => {
    const net = networkId('dial')
    const { a, b, c } = await triangle(net, running)
    const d = await startNode({ network: net, name: 'dave' })
    running.push(d)
    await connect(d, c)
    b.node.createPipeline({ name: 'dm', peer: a.identity.public() })
    const fromDave = b.node.createPipeline({ name: 'dm-dave', peer: d.identity.public() })
    const got: string[] = []
    fromDave.addPacketListener(p => { got.push(dec(p.data)) })
    // dave (default) writes first, alice (directPush) after: had dave's outbox dialed, it would have done so first
    const pd = d.node.createPipeline({ name: 'dm-dave', peer: b.identity.public() })
    for (let i = 0; i < 5; i++) await pd.putPacket(enc(`m${i}`))
    const pa = a.node.createPipeline({ name: 'dm', peer: b.identity.public(), directPush: true })
    await pa.putPacket(enc('hi'))
    // (alice's outbox dials bob unless the transport connected the two first)
    await waitFor(() => a.transport.peers().includes(b.transport.peerId), { timeout: 20_000, message: 'alice connected to bob' })
    await waitFor(() => pa.acknowledged, { timeout: 20_000, message: 'bob acknowledged alice' })
    await waitFor(() => got.length === 5, { timeout: 20_000, message: 'bob got dave\'s five through carol' })
    // (the transport may still connect the two for its own reasons: what matters is the outbox never looked bob up)
    expect(d.node.stats().mailbox.directPushes).toBe(0)
    expect(() => a.node.createPipeline({ name: 'plain', persistent: true, directPush: true })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
  })

  // Regression: an initiator's HELLO named every pipeline it keeps, to any peer.
  it('the HELLO a node sends a peer names none of its pipelines', async () => {
    const net = networkId('hello')
    const node = await startNode({ network: net, name: 'victim', node: { secondSideDelayMs: 1 } })
    running.push(node)
    node.node.createPipeline({ name: 'secret-project-room', persistent: true })
    const hostile = await startHostilePeer({ networkId: net })
    hostiles.push(hostile)
    const received: Uint8Array[] = []
    await hostile.libp2p.handle(protocolFor(net, 'sync', SYNC_PROTOCOL_VERSION), (stream: { addEventListener: (type: 'message', fn: (evt: { data: { subarray: () => Uint8Array } }) => void) => void }) => {
      stream.addEventListener('message', (evt) => { received.push(evt.data.subarray()) })
    })
    await hostile.dial(node.transport.addresses()[0] as string)
    await waitFor(() => received.length > 0, { timeout: 10_000, message: 'the victim opened a sync session and sent its HELLO' })
    const bytes = Buffer.concat(received)
    expect(bytes.length).toBeGreaterThan(16)
    expect(bytes.includes('secret-project-room')).toBe(false)
    expect(bytes.includes(MAILBOX_PIPELINE)).toBe(false)
  })
})
