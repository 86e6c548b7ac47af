// Forward secrecy of point-to-point pipelines, through real nodes: what a storing peer kept, opened
// later with both ends' stolen identity keys and stores.
import { aeadOpen, bytesToHex, utf8Decode, utf8Encode } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { Key } from 'interface-datastore'
import { afterEach, describe, expect, it } from 'vitest'
import { PairCodec } from '../../src/secure/pair-codec.js'
import { restKeyFor } from '../../src/secure/p2p-pipeline.js'
import type { PrekeySource } from '../../src/secure/pair-codec.js'
import { connect, dec, enc, networkId, startNode } from '../helpers.js'
import { storedEnvelopes } from './net-helpers.js'
import type { Packet } from '../../src/index.js'
import type { TestNode } from '../helpers.js'

describe('point-to-point forward secrecy', () => {
  const running: TestNode[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  })

  // Regression: the pair key was static, so a stolen identity key opened every stored envelope.
  it('a storing peer\'s copies stay closed to both ends\' stolen identity keys and stores, but for the first flight', async () => {
    const net = networkId('fs')
    let now = Date.now()
    const clock = { mailbox: { now: () => now } }
    const a = await startNode({ network: net, name: 'alice', node: clock })
    const b = await startNode({ network: net, name: 'bob', node: clock })
    const c = await startNode({ network: net, name: 'carol' })
    running.push(a, b, c)
    await connect(a, c)
    await connect(b, c)
    const pa = a.node.createPipeline({ name: 'dm', peer: b.identity.public() })
    const pb = b.node.createPipeline({ name: 'dm', peer: a.identity.public() })
    const gotA: string[] = []
    const gotB: string[] = []
    pa.addPacketListener((p: Packet) => { if (p.sender.id !== a.identity.id) gotA.push(dec(p.data)) })
    pb.addPacketListener((p: Packet) => { if (p.sender.id !== b.identity.id) gotB.push(dec(p.data)) })
    // each turn waits for the other end: a reply is what moves the ratchet
    const turn = async (from: 'a' | 'b', texts: string[]): Promise<void> => {
      const [p, got] = from === 'a' ? [pa, gotB] : [pb, gotA]
      const before = got.length
      for (const t of texts) await p.putPacket(enc(t))
      await waitFor(() => got.length === before + texts.length, { timeout: 20_000, message: `${texts.join(', ')} delivered` })
    }
    // alice holds bob's prekey record (bob published it with his pipeline) before she writes
    await waitFor(() => a.node.stats().mailbox.entries >= 2, { timeout: 20_000, message: 'alice holds both prekey records' })
    await turn('a', ['early-1', 'early-2'])
    await turn('b', ['reply-1'])
    await turn('a', ['later-1', 'later-2'])
    await turn('b', ['reply-2'])
    await turn('a', ['last'])
    // seven envelopes and the two prekey records
    await waitFor(() => c.node.stats().mailbox.entries >= 9, { timeout: 20_000, message: 'carol stored the seven envelopes' })
    const stored = await storedEnvelopes(c.datastore)
    expect(stored).toHaveLength(7)
    // both ends' history still reads everything (kept by each node, not reopened)
    const history: string[] = []
    for await (const p of pb.history()) history.push(dec(p.data))
    expect(history.sort()).toEqual(['early-1', 'early-2', 'last', 'later-1', 'later-2', 'reply-1', 'reply-2'])

    // the thief: both identity keys and both stores, after the fact
    await a.stop()
    await b.stop()
    const stateOf = async (n: TestNode, peer: TestNode): Promise<Uint8Array | undefined> => {
      // sealed at rest under the node's identity, which the thief holds
      const prefix = `/pipes/p2pm/${bytesToHex(new TextEncoder().encode('dm'))}/${bytesToHex(peer.identity.publicKey)}/`
      const key = new Key(`${prefix}state`)
      return await n.datastore.has(key) ? aeadOpen(restKeyFor(n.identity, prefix), await n.datastore.get(key), utf8Encode(key.toString())) : undefined
    }
    const states = { a: await stateOf(a, b), b: await stateOf(b, a) }
    const prekeysOf = async (n: TestNode): Promise<PrekeySource> => {
      const secrets = new Map<string, Uint8Array>()
      for await (const { key, value } of n.datastore.query({ prefix: '/pipes/p2pk/' })) secrets.set(key.toString().slice('/pipes/p2pk/'.length), value.slice(8))
      return { prekeyOf: () => undefined, secretOf: (k) => secrets.get(bytesToHex(k)) }
    }
    const thiefOpens = async (withStores: boolean): Promise<string[]> => {
      const opened: string[] = []
      for (const e of stored) {
        const byAlice = bytesToHex(e.author) === bytesToHex(a.identity.publicKey)
        const [me, other, state] = byAlice ? [b, a, states.b] : [a, b, states.a]
        const prekeys = withStores ? await prekeysOf(me) : undefined
        const thieves = [new PairCodec(me.identity, other.identity.public(), net, 'dm', 0, undefined, prekeys)]
        if (withStores) thieves.push(new PairCodec(me.identity, other.identity.public(), net, 'dm', 0, state, prekeys))
        for (const thief of thieves) {
          try {
            opened.push(utf8Decode(thief.decode(e)))
            break
          } catch {
            // this one does not open it: try the next
          }
        }
      }
      return opened.sort()
    }
    // the identity keys alone open nothing: even the first flight was sealed to bob's prekey
    expect(await thiefOpens(false)).toEqual([])
    // with the stores too: only the first flight, while bob still keeps that prekey's secret
    expect(await thiefOpens(true)).toEqual(['early-1', 'early-2'])
    // bob keeps it until every envelope that can name it expired (half a retention until replaced, then the
    // 14-day retention): a restart 22 days on deletes it
    now += 22 * 24 * 3600_000
    const b2 = await startNode({ network: net, identity: b.identity, datastore: b.datastore, node: clock })
    running.push(b2)
    const again = b2.node.createPipeline({ name: 'dm', peer: a.identity.public() })
    for await (const _ of again.history()) break // waits for the pipeline (and its prekeys) to open
    await b2.stop()
    expect(await thiefOpens(true)).toEqual([])
  })
})
