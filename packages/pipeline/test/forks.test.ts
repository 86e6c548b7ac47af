import { generateIdentity } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { RelayScope, signedEntry } from './gossip-relay.js'
import { enc } from './helpers.js'
import type { EntryFields } from './gossip-relay.js'
import type { LocalIdentity } from '@pipes/identity'
import type { ForkDetail } from '../src/index.js'

const PIPE = 'log'

async function entry (author: LocalIdentity, net: string, f: EntryFields = {}): Promise<{ wire: Uint8Array, id: string }> {
  return await signedEntry(author, net, PIPE, f)
}
const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'))

describe('forks over gossip', () => {
  const relays = new RelayScope()
  afterEach(async () => { await relays.stopAll() })

  it('a fork seen one seq later (an entry linking to another entry at our head) is a fork, reported once, not bad-chain', async () => {
    const { net, victim, relay, topic, got } = await relays.start('fork1', PIPE)
    const forks: ForkDetail[] = []
    victim.node.addEventListener('fork', (evt) => { forks.push(evt.detail) })

    const author = generateIdentity('equivocator')
    const one = await entry(author, net, { payload: enc('one') })
    const other = await entry(author, net, { payload: enc('other one') })
    await relay.publish(topic, one.wire)
    await waitFor(() => got.length === 1, { timeout: 10_000, message: 'seq 1 stored' })
    const before = victim.node.stats()
    // two different seq-2 entries, both linking to the other seq 1
    await relay.publish(topic, (await entry(author, net, { seq: 2, prev: bytes(other.id), payload: enc('two a') })).wire)
    await relay.publish(topic, (await entry(author, net, { seq: 2, prev: bytes(other.id), payload: enc('two b') })).wire)
    await waitFor(() => victim.node.stats().rejects.fork - before.rejects.fork === 2, { timeout: 10_000, message: 'both refused as forks' })
    expect(victim.node.stats().rejects['bad-chain']).toBe(before.rejects['bad-chain'])
    expect(forks).toEqual([{ pipeline: PIPE, author: author.id, seq: 1, kept: one.id, rejected: other.id, from: relay.peerId }])
    expect(victim.node.stats().forks - before.forks).toBe(1)
    expect(got.map(p => p.id)).toEqual([one.id])
  })
})
