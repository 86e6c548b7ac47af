// Forward secrecy of point-to-point pipelines, through real nodes: what a storing peer kept, opened
// later with both ends' stolen identity keys and stores.
import { bytesToHex, utf8Decode } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { Key } from 'interface-datastore'
import { afterEach, describe, expect, it } from 'vitest'
import { MAILBOX_PIPELINE } from '../../src/index.js'
import { decodeWire } from '../../src/entry-codec.js'
import { PairCodec } from '../../src/secure/pair-codec.js'
import { connect, dec, enc, networkId, startNode } from '../helpers.js'
import type { Packet } from '../../src/index.js'
import type { SealedEntry } from '../../src/secure/encrypted-codec.js'
import type { TestNode } from '../helpers.js'

describe('point-to-point forward secrecy', () => {
  const running: TestNode[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  })

  // Regression: the pair key was static, so a stolen identity key opened every stored envelope.
  it('a storing peer\'s copies stay closed to both ends\' stolen identity keys and stores, but for the first flight', async () => {
    const net = networkId('fs')
    const a = await startNode({ network: net, name: 'alice' })
    const b = await startNode({ network: net, name: 'bob' })
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
    await turn('a', ['early-1', 'early-2'])
    await turn('b', ['reply-1'])
    await turn('a', ['later-1', 'later-2'])
    await turn('b', ['reply-2'])
    await turn('a', ['last'])
    await waitFor(() => c.node.stats().mailbox.entries >= 7, { timeout: 20_000, message: 'carol stored the seven envelopes' })
    const stored: SealedEntry[] = []
    for await (const { value } of c.datastore.query({ prefix: `/pipes/log/${bytesToHex(new TextEncoder().encode(MAILBOX_PIPELINE))}/e/` })) {
      // a stored record: a flag byte and the 32-byte id, then the wire entry
      const entry = decodeWire(value.subarray(33))?.entry
      if (entry !== undefined) stored.push(entry)
    }
    expect(stored).toHaveLength(7)
    // both ends' history still reads everything (kept by each node, not reopened)
    const history: string[] = []
    for await (const p of pb.history()) history.push(dec(p.data))
    expect(history.sort()).toEqual(['early-1', 'early-2', 'last', 'later-1', 'later-2', 'reply-1', 'reply-2'])

    // the thief: both identity keys and both stores, after the fact
    await a.stop()
    await b.stop()
    const stateOf = async (n: TestNode, peer: TestNode): Promise<Uint8Array | undefined> => {
      const key = new Key(`/pipes/p2pm/${bytesToHex(new TextEncoder().encode('dm'))}/${bytesToHex(peer.identity.publicKey)}/state`)
      return await n.datastore.has(key) ? await n.datastore.get(key) : undefined
    }
    const states = { a: await stateOf(a, b), b: await stateOf(b, a) }
    const opened: string[] = []
    for (const e of stored) {
      const byAlice = bytesToHex(e.author) === bytesToHex(a.identity.publicKey)
      const [me, other, state] = byAlice ? [b, a, states.b] : [a, b, states.a]
      for (const thief of [new PairCodec(me.identity, other.identity.public(), net, 'dm', 0, state), new PairCodec(me.identity, other.identity.public(), net, 'dm')]) {
        try {
          opened.push(utf8Decode(thief.decode(e)))
          break
        } catch {
          // this key does not open it: try the next
        }
      }
    }
    // sent before alice saw any reply key of bob's: sealed to bob's identity key, which opens them
    expect(opened.sort()).toEqual(['early-1', 'early-2'])
  })
})
