import { hexToBytes } from '@pipes/identity'
import { libp2pOf, topicFor } from '@pipes/transport'
import { waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, enc, networkId, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64').replace(/=+$/, '')

describe('gossipsub message id', () => {
  const running: TestNode[] = []
  afterEach(async () => { await Promise.all(running.splice(0).map(async n => { await n.stop() })) })

  it('is the entry id on a transport built without messageId: createPipesNode sets it', async () => {
    const net = networkId('msgid')
    // startNode builds its transport with createTransport({ identity, network, options }): no messageId
    const a = await startNode({ network: net })
    const b = await startNode({ network: net })
    running.push(a, b)
    await connect(a, b)
    const seen: string[] = []
    libp2pOf(b.transport).services.pubsub.addEventListener('gossipsub:message', (evt) => { seen.push(evt.detail.msgId) })
    const sent = a.node.createPipeline({ name: 'ids' })
    b.node.createPipeline({ name: 'ids' })
    await waitFor(() => a.transport.meshPeers(topicFor(net, 'ids')).length > 0, { timeout: 10_000, message: 'a meshed with b' })
    const packet = await sent.putPacket(enc('named by its entry id'))
    await waitFor(() => seen.length > 0, { timeout: 10_000, message: 'b got the gossip message' })
    expect(seen.map(id => id.replace(/=+$/, ''))).toEqual([base64(hexToBytes(packet.id))])
  })
})
