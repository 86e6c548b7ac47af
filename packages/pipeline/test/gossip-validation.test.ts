import { generateIdentity } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { attachEntrySignature, encodeEntry, encodeUnsignedEntry, entrySigningBytes, FLAG_PERSISTENT } from '../src/index.js'
import { RelayScope, signedEntry } from './gossip-relay.js'
import { enc, syncSide } from './helpers.js'
import type { EntryFields, VictimAndRelay } from './gossip-relay.js'
import type { TestNode } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'

const PIPE = 'log'

async function entry (author: LocalIdentity, net: string, f: EntryFields = {}): Promise<{ wire: Uint8Array, id: Uint8Array }> {
  const { wire, idBytes } = await signedEntry(author, net, PIPE, f)
  return { wire, id: idBytes }
}

describe('gossip validation', () => {
  const relays = new RelayScope()
  afterEach(async () => { await relays.stopAll() })

  /** A victim node with the pipeline, and a raw gossip peer (the "relay") in its mesh. */
  async function setup (): Promise<VictimAndRelay> {
    return await relays.start('gv', PIPE)
  }

  const topicStats = (n: TestNode, topic: string): { accepted: number, ignored: number, rejected: number } =>
    n.transport.stats().topics[topic] ?? { accepted: 0, ignored: 0, rejected: 0 }

  it('a relay forwarding signed but inconsistent entries (future time, fork, broken link, ahead of a gap) is not charged; forgeries are', async () => {
    const { net, victim, relay, topic, got } = await setup()
    const skewed = generateIdentity('skewed')
    const honest = generateIdentity('honest')
    const first = await entry(skewed, net, { payload: enc('one') })
    await relay.publish(topic, first.wire)
    await waitFor(() => got.length === 1, { timeout: 10_000, message: 'first entry delivered' })
    const before = topicStats(victim, topic)
    const rejectsBefore = victim.node.stats().rejects
    const inconsistent = [
      ...await Promise.all(Array.from({ length: 5 }, async (_, i) => (await entry(skewed, net, { seq: 2, prev: first.id, time: Date.now() + 10 * 60_000, payload: enc(`future-${i}`) })).wire)),
      (await entry(skewed, net, { payload: enc('fork at 1') })).wire,
      (await entry(skewed, net, { seq: 2, prev: new Uint8Array(32).fill(7), payload: enc('broken link') })).wire,
      (await entry(skewed, net, { seq: 5, prev: new Uint8Array(32).fill(9), payload: enc('ahead of a gap') })).wire
    ]
    for (const w of inconsistent) await relay.publish(topic, w)
    await waitFor(() => topicStats(victim, topic).ignored - before.ignored >= inconsistent.length, { timeout: 10_000, message: 'every inconsistent entry answered' })
    const after = victim.node.stats().rejects
    expect(topicStats(victim, topic).rejected).toBe(before.rejected)
    expect(after['future-time'] - rejectsBefore['future-time']).toBe(5)
    // the broken link names another seq 1 under a signature: a fork too
    expect(after.fork - rejectsBefore.fork).toBe(2)

    // the relay stays connected and keeps relaying valid entries
    await relay.publish(topic, (await entry(honest, net, { payload: enc('valid') })).wire)
    await waitFor(() => got.some(p => p.sender.id === honest.id), { timeout: 10_000, message: 'valid entry through the relay' })
    expect(victim.transport.peers()).toContain(relay.peerId)

    // a forgery is still a reject (the transport's invalid-input budget counts these)
    const unsigned = encodeUnsignedEntry({ network: net, pipeline: PIPE, seq: 1, time: Date.now(), flags: FLAG_PERSISTENT, payload: enc('forged'), author: honest.publicKey, authorName: honest.name, nameSignature: honest.nameSignature })
    await relay.publish(topic, attachEntrySignature(unsigned, await skewed.sign(entrySigningBytes(unsigned))))
    await waitFor(() => topicStats(victim, topic).rejected === before.rejected + 1, { timeout: 10_000, message: 'forgery rejected' })
  })

  it('entries ahead of a gap create no author state and are not forwarded', async () => {
    const { net, victim, pipe, relay, topic } = await setup()
    const stranger = generateIdentity('stranger')
    const before = topicStats(victim, topic)
    await relay.publish(topic, (await entry(stranger, net, { seq: 9, prev: new Uint8Array(32).fill(1) })).wire)
    await waitFor(() => topicStats(victim, topic).ignored > before.ignored, { timeout: 10_000, message: 'answered' })
    expect(topicStats(victim, topic).accepted).toBe(before.accepted)
    const heads = syncSide(pipe).vector()
    expect(heads.map(h => Buffer.from(h.author).toString('hex'))).not.toContain(Buffer.from(stranger.publicKey).toString('hex'))
  })

  it('a time ahead of ours, from a refused or a stored entry, does not drag our clock ahead', async () => {
    const { net, victim, pipe, relay, topic, got } = await setup()
    const fast = generateIdentity('fast')
    const before = topicStats(victim, topic)
    // refused (ahead of a gap), 100 s ahead: within the allowed skew
    await relay.publish(topic, (await entry(fast, net, { seq: 3, prev: new Uint8Array(32).fill(1), time: Date.now() + 100_000 })).wire)
    await waitFor(() => topicStats(victim, topic).ignored > before.ignored, { timeout: 10_000, message: 'answered' })
    const a = await pipe.putPacket(enc('mine 1'))
    expect(a.timestamp).toBeLessThanOrEqual(Date.now() + 1000)
    // stored, 100 s ahead: our clock moves at most the margin past the wall clock
    await relay.publish(topic, (await entry(fast, net, { time: Date.now() + 100_000 })).wire)
    await waitFor(() => got.some(p => p.sender.id === fast.id), { timeout: 10_000, message: 'fast entry stored' })
    const b = await pipe.putPacket(enc('mine 2'))
    expect(b.timestamp).toBeLessThanOrEqual(Date.now() + 1000)
    expect(b.timestamp).toBeGreaterThanOrEqual(a.timestamp)
  })

  it('a live pipeline answers a future-time entry with ignore, not reject', async () => {
    const { net, victim, relay, topic } = await relays.start('gvl', 'live', false)
    const author = generateIdentity('skewed')
    const { wire } = await encodeEntry(author, { network: net, pipeline: 'live', seq: 1, time: Date.now() + 10 * 60_000, flags: 0, payload: enc('late') })
    await relay.publish(topic, wire)
    await waitFor(() => topicStats(victim, topic).ignored === 1, { timeout: 10_000, message: 'answered' })
    expect(topicStats(victim, topic).rejected).toBe(0)
    expect(victim.node.stats().rejects['future-time']).toBe(1)
  })
})
