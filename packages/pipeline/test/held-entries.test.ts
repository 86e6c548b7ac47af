import { randomBytes as bulkRandom } from 'node:crypto'
import { generateIdentity, randomBytes } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeEntry, encodeEntry, FLAG_ENCRYPTED, FLAG_PERSISTENT } from '../src/index.js'
import { PAYLOAD_VERSION } from '../src/secure/encrypted-codec.js'
import { dec, enc, networkId, startNode, syncSide } from './helpers.js'
import type { EncryptedPipeline, Packet } from '../src/index.js'
import type { StoredParts } from '../src/stored-parts.js'
import type { TestNode, TestNodeOptions } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'

const ROOM = 'room'
const MiB = 1024 * 1024
const limits = { maxEntries: 512, maxBytes: 16 * MiB }

/** A pipeline's sync-ingest side (what a sync session calls with a peer's batch). */
function ingestSide (p: EncryptedPipeline): StoredParts {
  return syncSide(p)
}

/** `count` chained entries of `author` in an encrypted pipeline, sealed (so it says) under `keyEpoch` and a key id nobody holds: random bytes no key opens. */
async function sealedEntries (network: string, author: LocalIdentity, count: number, payloadBytes: number, keyEpoch: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  let prev = new Uint8Array(0)
  for (let seq = 1; seq <= count; seq++) {
    const e = await encodeEntry(author, { network, pipeline: ROOM, seq, prev, time: Date.now(), flags: FLAG_PERSISTENT | FLAG_ENCRYPTED, keyEpoch, payload: unknownKeyPayload(payloadBytes) })
    out.push(e.wire)
    prev = Uint8Array.from(Buffer.from(e.id, 'hex'))
  }
  return out
}

/** A payload of the sealed format (version 2, then an 8-byte key id and an 8-byte control ref) under a random key id: it waits for a key that never comes. */
function unknownKeyPayload (bytes: number): Uint8Array {
  const payload = new Uint8Array(bulkRandom(bytes))
  payload[0] = PAYLOAD_VERSION
  return payload
}

/** Every wire entry a pipeline would serve to an empty peer, by author (hex of the author key). */
async function logOf (p: EncryptedPipeline): Promise<Map<string, Uint8Array[]>> {
  const out = new Map<string, Uint8Array[]>()
  for await (const batch of ingestSide(p).missingFor([], limits, 'test')) {
    for (const wire of batch) {
      const author = Buffer.from(decodeEntry(wire)?.author ?? new Uint8Array(0)).toString('hex')
      out.set(author, [...(out.get(author) ?? []), wire])
    }
  }
  return out
}

describe('entries held in memory for delivery', () => {
  const nodes: TestNode[] = []
  afterEach(async () => { await Promise.all(nodes.splice(0).map(async n => { await n.stop() })) })

  async function node (name: string, network: string, extra: Partial<TestNodeOptions> = {}): Promise<TestNode> {
    const n = await startNode({ network, name, online: false, ...extra })
    nodes.push(n)
    return n
  }

  // Regression: held entries were bounded by count only (4,096), so a
  // non-member writing entries of an epoch no key opens pinned 4,096 x 1 MiB.
  it('are bounded in bytes per author and in total; an honest packet is still delivered', async () => {
    const net = networkId('held')
    const b = await node('bob', net)
    const pb = b.node.createPipeline({ name: ROOM, persistent: true, encrypted: { key: randomBytes(32) } })
    const got: string[] = []
    pb.addPacketListener((p: Packet) => { got.push(dec(p.data)) })
    await ingestSide(pb).ready()
    // one non-member: 24 entries of 512 KiB (12 MiB) that wait for a key of epoch 999
    const mallory = generateIdentity('mallory')
    const wires = await sealedEntries(net, mallory, 24, 512 * 1024, 999)
    for (let i = 0; i < wires.length; i += 4) expect(await ingestSide(pb).ingestBatch(wires.slice(i, i + 4), 'peer-m', limits)).toBe(true)
    await ingestSide(pb).flush()
    await waitFor(() => b.node.stats().stored === 24, { timeout: 20_000, message: 'the 24 entries stored' })
    expect(b.node.stats().heldBytes).toBeGreaterThan(0)
    expect(b.node.stats().heldBytes).toBeLessThanOrEqual(4 * MiB)
    // six more throwaway authors with 4 MiB each: the total stays within 16 MiB
    for (let k = 0; k < 6; k++) {
      const more = await sealedEntries(net, generateIdentity(`throwaway-${k}`), 8, 512 * 1024, 999)
      for (let i = 0; i < more.length; i += 4) expect(await ingestSide(pb).ingestBatch(more.slice(i, i + 4), `peer-${k}`, limits)).toBe(true)
    }
    await ingestSide(pb).flush()
    await waitFor(() => b.node.stats().stored === 24 + 48, { timeout: 30_000, message: 'the 48 more stored' })
    expect(b.node.stats().heldBytes).toBeLessThanOrEqual(16 * MiB)
    expect(b.node.stats().heldSkipped).toBeGreaterThan(0)
    // the budget is full of what waits for a key: our own packet is delivered all the same (read back from the store)
    await pb.putPacket(enc('still delivered'))
    await waitFor(() => got.includes('still delivered'), { timeout: 10_000, message: 'the honest packet delivered' })
  }, 60_000)

  // Regression: a held entry stayed in memory for as long as it could not be
  // delivered (for ever, for an epoch whose key never comes).
  it('expire from memory; they stay in the store and are delivered in order once the key arrives', async () => {
    const net = networkId('held-ttl')
    const bufferLimits = { heldTtlMs: 300 }
    const a = await node('alice', net)
    const b = await node('bob', net, { node: { bufferLimits } })
    const c = await node('carol', net)
    const pa = a.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [b.identity.public(), c.identity.public()] } })
    const pb = b.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    const pc = c.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    await Promise.all([pa, pb, pc].map(async p => { await ingestSide(p).ready() }))
    await waitFor(() => pa.hasKey, { timeout: 10_000, message: 'alice holds the key' })
    const aliceLog = async (): Promise<Uint8Array[]> => (await logOf(pa)).get(Buffer.from(a.identity.publicKey).toString('hex')) ?? []
    // carol gets alice's log (the genesis and her key), then writes three packets
    expect(await ingestSide(pc).ingestBatch(await aliceLog(), a.transport.peerId, limits)).toBe(true)
    await waitFor(() => pc.hasKey, { timeout: 10_000, message: 'carol holds the key' })
    for (const t of ['c1', 'c2', 'c3']) await pc.putPacket(enc(t))
    const got: string[] = []
    pb.addPacketListener((p: Packet) => { got.push(dec(p.data)) })
    // bob stores carol's three, which he cannot open yet: they are held ...
    const carolLog = (await logOf(pc)).get(Buffer.from(c.identity.publicKey).toString('hex')) ?? []
    expect(carolLog).toHaveLength(3)
    expect(await ingestSide(pb).ingestBatch(carolLog, c.transport.peerId, limits)).toBe(true)
    await ingestSide(pb).flush()
    await waitFor(() => b.node.stats().heldBytes > 0, { timeout: 10_000, message: 'carol\'s entries held' })
    // ... and let go of once they have waited longer than the limit
    await waitFor(() => b.node.stats().heldBytes === 0, { timeout: 10_000, message: 'the held entries expired' })
    expect(b.node.stats().heldExpired).toBe(3)
    expect(got).toEqual([])
    // the key comes with alice's log: carol's packets are read back from the store and delivered, in order
    await pa.putPacket(enc('a1'))
    expect(await ingestSide(pb).ingestBatch(await aliceLog(), a.transport.peerId, limits)).toBe(true)
    await waitFor(() => got.length === 4, { timeout: 10_000, message: 'bob read all four' })
    expect(got.filter(t => t.startsWith('c'))).toEqual(['c1', 'c2', 'c3'])
    expect(got).toContain('a1')
  }, 60_000)
})
