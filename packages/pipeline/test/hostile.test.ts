import { generateIdentity } from '@pipes/identity'
import { topicFor } from '@pipes/transport'
import { DeliveryChecker, startHostilePeer, waitFor } from '@pipes/testkit'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import {
  attachEntrySignature, decodeEntry, encodeEntry, encodeUnsignedEntry, entrySigningBytes, FLAG_PERSISTENT
} from '../src/index.js'
import { SyncFrame } from '../src/sync.pb.js'
import { connect, enc, networkId, recordInto, startNode } from './helpers.js'
import type { HostilePeer } from '@pipes/testkit'
import type { TestNode } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'
import type { Packet, Pipeline, RejectReason } from '../src/index.js'

const PIPE = 'log'
const MAX_PACKET = 4096

/** A valid, signed entry of `author` for the network and pipeline (seq 1 unless told). */
async function validEntry (author: LocalIdentity, net: string, fields: Record<string, unknown> = {}): Promise<Uint8Array> {
  const { wire } = await encodeEntry(author, { network: net, pipeline: PIPE, seq: 1, time: Date.now(), flags: FLAG_PERSISTENT, payload: enc('x'), ...fields })
  return wire
}

type Sample =
  | { kind: 'random', bytes: Uint8Array }
  | { kind: 'flip', payload: Uint8Array, at: number, bit: number }
  | { kind: 'truncate', payload: Uint8Array, at: number }
  | { kind: 'extend', payload: Uint8Array, extra: Uint8Array }
  | { kind: 'forged', payload: Uint8Array }
  | { kind: 'field', payload: Uint8Array, field: 'network' | 'pipeline' | 'flags' | 'future' | 'version' | 'oversized' | 'prev' }

const sampleArb: fc.Arbitrary<Sample> = fc.oneof(
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ minLength: 0, maxLength: 400 }) }),
  fc.record({ kind: fc.constant('flip' as const), payload: fc.uint8Array({ minLength: 1, maxLength: 64 }), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), payload: fc.uint8Array({ minLength: 1, maxLength: 64 }), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), payload: fc.uint8Array({ minLength: 1, maxLength: 64 }), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('forged' as const), payload: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('field' as const), payload: fc.uint8Array({ minLength: 1, maxLength: 64 }), field: fc.constantFrom('network' as const, 'pipeline' as const, 'flags' as const, 'future' as const, 'version' as const, 'oversized' as const, 'prev' as const) })
)

/** Turns a sample into hostile entry bytes: never a valid entry of the victim's pipeline. */
async function build (s: Sample, net: string, author: LocalIdentity, forger: LocalIdentity): Promise<Uint8Array> {
  switch (s.kind) {
    case 'random': return s.bytes
    case 'flip': {
      const wire = await validEntry(author, net, { payload: s.payload })
      const at = s.at % wire.length
      wire[at] = (wire[at] as number) ^ (1 << s.bit)
      return wire
    }
    case 'truncate': {
      const wire = await validEntry(author, net, { payload: s.payload })
      return wire.subarray(0, s.at % wire.length)
    }
    case 'extend': {
      const wire = await validEntry(author, net, { payload: s.payload })
      const out = new Uint8Array(wire.length + s.extra.length)
      out.set(wire)
      out.set(s.extra, wire.length)
      return out
    }
    case 'forged': {
      // claims to be `author`, signed by `forger`
      const unsigned = encodeUnsignedEntry({ network: net, pipeline: PIPE, author: author.publicKey, authorName: author.name, nameSignature: author.nameSignature, seq: 1, time: Date.now(), flags: FLAG_PERSISTENT, payload: s.payload })
      return attachEntrySignature(unsigned, await forger.sign(entrySigningBytes(unsigned)))
    }
    case 'field': {
      const f: Record<string, unknown> = { payload: s.payload }
      if (s.field === 'network') f.network = `${net}-other`
      if (s.field === 'pipeline') f.pipeline = 'other'
      if (s.field === 'flags') f.flags = 0
      if (s.field === 'future') f.time = Date.now() + 3_600_000
      if (s.field === 'version') f.version = 2
      if (s.field === 'oversized') f.payload = new Uint8Array(MAX_PACKET + 1 + s.payload.length)
      if (s.field === 'prev') f.prev = s.payload
      return await validEntry(author, net, f)
    }
  }
}

const hello = (pipelines: string[]): Uint8Array => SyncFrame.encode({ kind: SyncFrame.Kind.HELLO, pipelines })
const batch = (entries: Uint8Array[]): Uint8Array => SyncFrame.encode({ kind: SyncFrame.Kind.BATCH, pipeline: PIPE, entries: entries as Array<Uint8Array<ArrayBuffer>> })

async function storedIds (p: Pipeline): Promise<string[]> {
  const ids: string[] = []
  for await (const packet of p.history()) ids.push(packet.id)
  return ids
}

describe('hostile input', () => {
  const running: TestNode[] = []
  let hostile: HostilePeer | undefined
  afterEach(async () => {
    await hostile?.stop()
    hostile = undefined
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  })

  it('1,000 random, mutated and forged entries, forged gossip and sync garbage: all refused and counted, store unchanged, node keeps working', async () => {
    const net = networkId('hostile')
    const victim = await startNode({ network: net, name: 'victim', node: { syncLimits: { maxPipelines: 4, batch: { maxEntries: 16, maxBytes: 64 * 1024 } } } })
    const friend = await startNode({ network: net, name: 'friend' })
    running.push(victim, friend)
    await connect(victim, friend)
    const checker = new DeliveryChecker()
    const pv = victim.node.createPipeline({ name: PIPE, persistent: true, maxPacketBytes: MAX_PACKET })
    const pf = friend.node.createPipeline({ name: PIPE, persistent: true, maxPacketBytes: MAX_PACKET })
    pv.addPacketListener(recordInto(checker, 'victim'))
    pf.addPacketListener(recordInto(checker, 'friend'))
    for (let i = 0; i < 5; i++) {
      const p = await pf.putPacket(enc(`before-${i}`))
      checker.acknowledged({ author: p.sender.id, id: p.id, seq: p.seq, expectedAt: ['victim', 'friend'] })
    }
    await checker.waitForComplete({ timeout: 10_000 })
    const before = await storedIds(pv)
    expect(before).toHaveLength(5)
    const statsBefore = victim.node.stats()

    hostile = await startHostilePeer({ networkId: net })
    await hostile.dial(victim.transport.addresses()[0] as string)
    const topic = topicFor(net, PIPE)
    hostile.subscribe(topic)
    await waitFor(() => hostile?.subscribers(topic).includes(victim.transport.peerId) === true, { timeout: 10_000, message: 'hostile sees the victim subscribed' })

    const author = generateIdentity('mallory')
    const forger = generateIdentity('forger')
    const syncProtocol = `/pipes/${net}/sync/4.0.0`

    // 1. 1,000 fast-check entries, each in a sync batch of its own session
    const samples = fc.sample(sampleArb, { numRuns: 1000, seed: 20261125 })
    const kinds = new Map<string, number>()
    for (const s of samples) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1)
    expect(kinds.size).toBe(6)
    for (const s of samples) {
      const wire = await build(s, net, author, forger)
      const result = await hostile.sendFrames(victim.transport.peerId, syncProtocol, [hello([PIPE]), batch([wire])], { readForMs: 5000 })
      expect(result.reset).toBe(true)
    }
    await waitFor(() => victim.node.stats().rejected - statsBefore.rejected >= 1000, { timeout: 10_000, message: 'every hostile batch counted' })
    const afterEntries = victim.node.stats()
    expect(afterEntries.rejected - statsBefore.rejected).toBe(1000)
    for (const reason of ['malformed', 'bad-signature', 'wrong-network', 'wrong-pipeline', 'wrong-kind', 'future-time', 'unsupported-version', 'too-large'] as RejectReason[]) {
      expect(afterEntries.rejects[reason], reason).toBeGreaterThan(0)
    }
    expect(afterEntries.sync.refused - statsBefore.sync.refused).toBe(1000)

    // 2. forged and replayed entries over gossip: each one that reaches validation is refused and counted
    const transportBefore = victim.transport.stats().topics[topic] ?? { rejected: 0, accepted: 0 }
    const rejectedBefore = victim.node.stats().rejected
    const gossip: Uint8Array[] = []
    for (let i = 0; i < 20; i++) {
      gossip.push(await build({ kind: 'forged', payload: enc(`forged-${i}`) }, net, author, forger))
      gossip.push(await validEntry(author, `${net}-elsewhere`, { payload: enc(`replayed-${i}`) }))
    }
    for (const g of gossip) await hostile.publish(topic, g)
    await waitFor(() => (victim.transport.stats().topics[topic]?.rejected ?? 0) - transportBefore.rejected >= 3, { timeout: 10_000, message: 'gossip rejects' })
    const transportAfter = victim.transport.stats().topics[topic] ?? { rejected: 0, accepted: 0 }
    expect(victim.node.stats().rejected - rejectedBefore).toBe(transportAfter.rejected - transportBefore.rejected)
    expect(transportAfter.accepted).toBe(transportBefore.accepted)

    // 3. garbage on the sync protocol: raw bytes, a frame over the limit, too much asked, frames out of order
    const refusedBefore = victim.node.stats()
    const garbage: Array<{ frames: Uint8Array[], framed?: boolean }> = [
      { frames: [enc('definitely not a frame')], framed: false },
      { frames: [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3])], framed: false },
      { frames: [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])] },
      { frames: [hello(['a', 'b', 'c', 'd', 'e', 'f'])] },
      { frames: [hello([PIPE]), batch(Array.from({ length: 40 }, () => new Uint8Array(10)))] },
      { frames: [batch([new Uint8Array(10)])] },
      { frames: [hello([PIPE, PIPE])] }
    ]
    for (const g of garbage) {
      const result = await hostile.sendFrames(victim.transport.peerId, syncProtocol, g.frames, { framed: g.framed, readForMs: 5000 })
      expect(result.reset).toBe(true)
    }
    const afterGarbage = victim.node.stats()
    expect(afterGarbage.rejects['sync-too-much'] - refusedBefore.rejects['sync-too-much']).toBe(3)
    expect(afterGarbage.rejects['sync-malformed'] - refusedBefore.rejects['sync-malformed']).toBe(4)
    // every refusal since the gossip part: gossip ones (as the transport counted them) plus the garbage
    const gossipRejected = (victim.transport.stats().topics[topic]?.rejected ?? 0) - transportBefore.rejected
    expect(afterGarbage.rejected - rejectedBefore).toBe(gossipRejected + garbage.length)

    // the store is unchanged and nothing hostile was delivered
    expect(await storedIds(pv)).toEqual(before)
    expect(afterGarbage.stored).toBe(statsBefore.stored)
    expect(checker.report()).toMatchObject({ unacknowledged: 0, duplicated: 0 })

    // the node keeps working both ways
    const fromFriend = await pf.putPacket(enc('after'))
    checker.acknowledged({ author: fromFriend.sender.id, id: fromFriend.id, seq: fromFriend.seq, expectedAt: ['victim', 'friend'] })
    const fromVictim: Packet = await pv.putPacket(enc('still here'))
    checker.acknowledged({ author: fromVictim.sender.id, id: fromVictim.id, seq: fromVictim.seq, expectedAt: ['victim', 'friend'] })
    const report = await checker.waitForComplete({ timeout: 10_000 })
    expect(report).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0, unacknowledged: 0 })
  }, 60_000)

  it('a fork (same author and seq, other content) is refused, reported as an event and counted; the first entry stays', async () => {
    const net = networkId('fork')
    const victim = await startNode({ network: net, name: 'victim' })
    running.push(victim)
    const pv = victim.node.createPipeline({ name: PIPE, persistent: true })
    const author = generateIdentity('two-faced')
    hostile = await startHostilePeer({ networkId: net })
    await hostile.dial(victim.transport.addresses()[0] as string)
    const topic = topicFor(net, PIPE)
    hostile.subscribe(topic)
    await waitFor(() => hostile?.subscribers(topic).includes(victim.transport.peerId) === true, { timeout: 10_000, message: 'hostile sees the victim subscribed' })
    const got: Packet[] = []
    pv.addPacketListener((p) => { got.push(p) })
    const first = await validEntry(author, net, { payload: enc('the truth') })
    const second = await validEntry(author, net, { payload: enc('another truth') })
    const forks: unknown[] = []
    victim.node.addEventListener('fork', (evt) => { forks.push(evt.detail) })
    const pipelineForks: unknown[] = []
    pv.addEventListener('fork', (evt) => { pipelineForks.push(evt.detail) })
    await hostile.publish(topic, first)
    await waitFor(() => got.length === 1, { timeout: 10_000, message: 'first entry delivered' })
    await hostile.publish(topic, second)
    await waitFor(() => victim.node.stats().forks === 1, { timeout: 10_000, message: 'fork counted' })
    expect(victim.node.stats().rejects.fork).toBe(1)
    expect(forks).toHaveLength(1)
    expect(pipelineForks).toHaveLength(1)
    expect(forks[0]).toMatchObject({ pipeline: PIPE, author: author.id, seq: 1, kept: decodeEntry(first)?.id, rejected: decodeEntry(second)?.id, from: hostile.peerId })
    expect(got).toHaveLength(1)
    expect(new TextDecoder().decode(got[0]?.data)).toBe('the truth')
    expect(await storedIds(pv)).toEqual([decodeEntry(first)?.id])
  })
})
