import { generateIdentity } from '@pipes/identity'
import { topicFor } from '@pipes/transport'
import { startHostilePeer, waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeEntry, encodeEntry, FLAG_PERSISTENT } from '../src/index.js'
import { SyncFrame } from '../src/sync.pb.js'
import { connect, enc, networkId, startNode } from './helpers.js'
import type { HostilePeer } from '@pipes/testkit'
import type { TestNode } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'
import type { ForkDetail, Packet } from '../src/index.js'

const PIPE = 'log'

async function entry (author: LocalIdentity, net: string, payload: string, after?: string): Promise<{ wire: Uint8Array, id: string }> {
  const link = after === undefined ? {} : { seq: 2, prev: Uint8Array.from(Buffer.from(after, 'hex')) }
  return await encodeEntry(author, { network: net, pipeline: PIPE, seq: 1, time: Date.now(), flags: FLAG_PERSISTENT, payload: enc(payload), ...link })
}

/** Splits what a stream carried (chunks of unsigned-varint length-prefixed frames) into its frames. */
function frames (chunks: Uint8Array[]): Uint8Array[] {
  const all = Buffer.concat(chunks)
  const out: Uint8Array[] = []
  for (let at = 0; at < all.length;) {
    let length = 0
    for (let shift = 0; ; shift += 7) {
      const byte = all[at++] as number
      length += (byte & 0x7f) * 2 ** shift
      if (byte < 0x80) break
    }
    out.push(all.subarray(at, at + length))
    at += length
  }
  return out
}

interface Watched { node: TestNode, got: Packet[], forks: ForkDetail[] }

/** A node with the pipeline open, recording deliveries and the node's fork events. */
async function watchedNode (net: string, name: string): Promise<Watched> {
  const node = await startNode({ network: net, name, syncIntervalMs: 60_000 })
  const got: Packet[] = []
  const forks: ForkDetail[] = []
  node.node.createPipeline({ name: PIPE, persistent: true }).addPacketListener(p => { got.push(p) })
  node.node.addEventListener('fork', (evt) => { forks.push(evt.detail) })
  return { node, got, forks }
}

/** Hands `wires` to `target` over gossip from a hostile relay that reaches no one else. */
async function relayTo (net: string, target: TestNode, ...wires: Uint8Array[]): Promise<HostilePeer> {
  const relay = await startHostilePeer({ networkId: net })
  await relay.dial(target.transport.addresses()[0] as string)
  const topic = topicFor(net, PIPE)
  relay.subscribe(topic)
  await waitFor(() => relay.subscribers(topic).includes(target.transport.peerId), { timeout: 10_000, message: 'relay sees the target subscribed' })
  for (const wire of wires) await relay.publish(topic, wire)
  return relay
}

describe('forks at the same seq', () => {
  const running: TestNode[] = []
  const hostiles: HostilePeer[] = []
  afterEach(async () => {
    await Promise.all(hostiles.splice(0).map(async h => await h.stop()))
    await Promise.all(running.splice(0).map(async n => await n.stop()))
  })

  // Regression: two nodes holding different signed entries at the same seq of
  // one author never noticed (serving skipped an author whose peer claimed our seq).
  it('two nodes holding different signed entries at seq 1 both report the fork, with both ids, and keep their own', async () => {
    const net = networkId('fork-eq')
    const a = await watchedNode(net, 'a')
    const b = await watchedNode(net, 'b')
    running.push(a.node, b.node)
    // the author equivocates: one seq 1 to each node, while they are apart
    const author = generateIdentity('equivocator')
    const one = await entry(author, net, 'one')
    const other = await entry(author, net, 'other one')
    hostiles.push(await relayTo(net, a.node, one.wire))
    hostiles.push(await relayTo(net, b.node, other.wire))
    await waitFor(() => a.got.length === 1 && b.got.length === 1, { timeout: 10_000, message: 'each node stored its seq 1' })

    await connect(a.node, b.node)
    await waitFor(() => a.forks.length === 1 && b.forks.length === 1, { timeout: 15_000, message: 'both nodes report the fork' })
    expect(a.forks).toEqual([{ pipeline: PIPE, author: author.id, seq: 1, kept: one.id, rejected: other.id, from: b.node.transport.peerId }])
    expect(b.forks).toEqual([{ pipeline: PIPE, author: author.id, seq: 1, kept: other.id, rejected: one.id, from: a.node.transport.peerId }])
    // the first entry stored stays on each side
    expect(a.got.map(p => p.id)).toEqual([one.id])
    expect(b.got.map(p => p.id)).toEqual([other.id])
    expect(a.node.node.stats().forks).toBe(1)
    expect(b.node.node.stats().forks).toBe(1)
  })

  // Regression: a peer's vector head (an unsigned claim) raised a fork event for any author.
  it('a bare vector claim of another head raises no fork: it is counted and answered with our signed entry', async () => {
    const net = networkId('fork-claim')
    const victim = await watchedNode(net, 'victim')
    running.push(victim.node)
    const author = generateIdentity('honest')
    const one = await entry(author, net, 'one')
    const two = await entry(author, net, 'two', one.id)
    const hostile = await relayTo(net, victim.node, one.wire, two.wire)
    hostiles.push(hostile)
    await waitFor(() => victim.got.length === 2, { timeout: 10_000, message: 'seq 1 and 2 stored' })
    const before = victim.node.node.stats()

    // the hostile peer claims another entry at seq 1 (below our head), with no entry to back it
    const claim = { author: Uint8Array.from(author.publicKey), seq: 1, head: new Uint8Array(32).fill(7) }
    const session = [
      SyncFrame.encode({ kind: SyncFrame.Kind.HELLO, pipelines: [PIPE] }),
      SyncFrame.encode({ kind: SyncFrame.Kind.VECTOR, pipeline: PIPE, heads: [claim], last: true }),
      SyncFrame.encode({ kind: SyncFrame.Kind.DONE }),
      SyncFrame.encode({ kind: SyncFrame.Kind.ACK, pipeline: PIPE, heads: [claim], last: true })
    ]
    const result = await hostile.sendFrames(victim.node.transport.peerId, `/pipes/${net}/sync/4.0.0`, session as Array<Uint8Array<ArrayBuffer>>, { readForMs: 5000 })
    // the session is over: a fork raised from the claim would be in by now
    expect(victim.forks).toEqual([])
    expect(victim.node.node.stats().forks).toBe(before.forks)
    await waitFor(() => victim.node.node.stats().sync.headMismatches - before.sync.headMismatches === 1, { timeout: 10_000, message: 'the claim is counted' })
    // what the victim answered: its own signed entry at the claimed seq
    const sent = frames(result.received).map(f => SyncFrame.decode(f)).filter(f => f.kind === SyncFrame.Kind.BATCH)
    expect(sent).toHaveLength(1)
    const wires = sent[0]?.entries ?? []
    expect(wires).toHaveLength(1)
    expect(decodeEntry(wires[0] as Uint8Array)?.id).toBe(one.id)
    expect(victim.got.map(p => p.id)).toEqual([one.id, two.id])
  })
})
