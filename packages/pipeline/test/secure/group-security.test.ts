import { hexToBytes } from '@pipes/identity'
import { partition, startHostilePeer, waitFor } from '@pipes/testkit'
import { topicFor } from '@pipes/transport'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeEntry, FLAG_ENCRYPTED, FLAG_PERSISTENT } from '../../src/index.js'
import { EncryptedCodec } from '../../src/secure/encrypted-codec.js'
import { Membership } from '../../src/secure/membership.js'
import { connect, enc, levelStore, networkId, removeDir, startNode } from '../helpers.js'
import { aliceBobDave, collect, hasEpoch, startMesh, storedEntries } from './net-helpers.js'
import type { EncryptedPipeline } from '../../src/index.js'
import type { TestNode } from '../helpers.js'
import type { HostilePeer } from '@pipes/testkit'

const ROOM = 'room'
const FLAGS = FLAG_PERSISTENT | FLAG_ENCRYPTED

// up to six nodes each: bounded waits, a longer test timeout for a loaded machine
describe('encrypted rooms: removal, concurrent admins, stale views', { timeout: 90_000 }, () => {
  const running: TestNode[] = []
  const hostile: HostilePeer[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all([...running.splice(0), ...hostile.splice(0)].map(async n => { await n.stop() }))
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  it('a removed member whose modified node keeps writing under its old key gets no new key, and its writes reach no member', async () => {
    const net = networkId('grp')
    const { a, b, d, pa, pb, pd, got: { a: gotA, b: gotB, d: gotD } } = await aliceBobDave(net, ROOM, running)
    const before = await pd.putPacket(enc('dave before'))
    await waitFor(() => gotA.includes('dave before') && gotB.includes('dave before'), { timeout: 20_000, message: 'alice and bob read dave' })
    // dave's modified node keeps the epoch-1 key: its view of the records stops at the genesis
    const genesis = (await storedEntries(d.datastore, ROOM)).find(e => e.keyEpoch === 0 && e.seq === 1)
    if (genesis === undefined) throw new Error('dave holds no genesis')
    const oldView = new Membership(d.identity, a.identity.publicKey, { network: net, pipeline: ROOM })
    await oldView.apply({ id: genesis.id, author: genesis.author, seq: genesis.seq, time: genesis.time, counter: genesis.counter, payload: genesis.payload })
    const oldCodec = new EncryptedCodec({ network: net, pipeline: ROOM }, oldView, FLAGS)

    await pa.removeMember(d.identity)
    await hasEpoch(pb, 2, 'bob')
    await waitFor(() => pd.epoch === 2, { timeout: 20_000, message: 'dave learned of epoch 2' })
    // the modified node writes on, correctly signed and linked, under the epoch-1 key, straight to the mesh
    const evil = await startHostilePeer({ networkId: net })
    hostile.push(evil)
    await evil.dial(a.transport.addresses()[0] as string)
    await evil.dial(b.transport.addresses()[0] as string)
    const topic = topicFor(net, ROOM)
    evil.subscribe(topic)
    await waitFor(() => evil.subscribers(topic).includes(a.transport.peerId) && evil.subscribers(topic).includes(b.transport.peerId), { timeout: 10_000, message: 'the modified node sees the members subscribed' })
    let prev = hexToBytes(before.id)
    const AFTER = 5
    for (let seq = 2; seq < 2 + AFTER; seq++) {
      const { payload, keyEpoch } = oldCodec.encode(enc(`dave after ${seq}`), { author: d.identity.publicKey, seq })
      const e = await encodeEntry(d.identity, { network: net, pipeline: ROOM, seq, prev, time: Date.now(), flags: FLAGS, keyEpoch, payload })
      expect(keyEpoch).toBe(1)
      await evil.publish(topic, e.wire)
      prev = hexToBytes(e.id)
    }
    await waitFor(() => a.node.stats().removedWrites === AFTER && b.node.stats().removedWrites === AFTER, { timeout: 20_000, message: 'alice and bob refused every later write of dave' })
    // the members go on in epoch 2; dave's own node keeps syncing and never gets the key
    await pa.putPacket(enc('alice after'))
    await pb.putPacket(enc('bob after'))
    await waitFor(() => gotA.includes('bob after') && gotB.includes('alice after'), { timeout: 20_000, message: 'the members read epoch 2' })
    await waitFor(() => d.node.stats().stored >= 3 + AFTER + 2, { timeout: 20_000, message: 'dave stored the epoch-2 packets' })
    expect(gotA.filter(t => t.startsWith('dave'))).toEqual(['dave before'])
    expect(gotB.filter(t => t.startsWith('dave'))).toEqual(['dave before'])
    expect(gotD).not.toContain('alice after')
    expect(gotD).not.toContain('bob after')
    expect(pd.hasKey).toBe(false)
    await expect(pd.putPacket(enc('still here?'))).rejects.toMatchObject({ code: 'ERR_NOT_MEMBER' })
  })

  it('two admins changing members on both sides of a partition lose nothing: both epoch-2 keys are read after reconnecting', async () => {
    const net = networkId('grp')
    const all = await startMesh(net, ['alice', 'xavier', 'bob', 'carol', 'dave', 'erin'], running)
    const [A, X, B, C, D, E] = all as [TestNode, TestNode, TestNode, TestNode, TestNode, TestNode]
    const pa = A.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [B, C, D].map(n => n.identity.public()), admins: [X.identity.public()], shareHistory: true } })
    const join = (n: TestNode): EncryptedPipeline => n.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: A.identity.id, shareHistory: true } })
    const [px, pb, pc, pd, pe] = [X, B, C, D, E].map(join) as [EncryptedPipeline, EncryptedPipeline, EncryptedPipeline, EncryptedPipeline, EncryptedPipeline]
    const got = new Map([[A, collect(pa)], [X, collect(px)], [D, collect(pd)], [E, collect(pe)], [B, collect(pb)], [C, collect(pc)]])
    for (const [p, who] of [[px, 'xavier'], [pb, 'bob'], [pc, 'carol'], [pd, 'dave']] as Array<[EncryptedPipeline, string]>) await hasEpoch(p, 1, who)
    const split = await partition([[A.transport, B.transport], [X.transport, C.transport, D.transport, E.transport]])
    // alice removes carol (epoch 2, her key); xavier adds erin, then removes bob (epoch 2, his key)
    await pa.removeMember(C.identity.id)
    await px.addMember(E.identity.public())
    await hasEpoch(pe, 1, 'erin')
    await px.removeMember(B.identity.id)
    expect(pa.epoch).toBe(2)
    expect(px.epoch).toBe(2)
    await hasEpoch(pe, 2, 'erin')
    const sent: string[] = []
    for (let i = 0; i < 3; i++) {
      for (const [p, who] of [[pa, 'alice'], [px, 'xavier'], [pd, 'dave'], [pe, 'erin']] as Array<[EncryptedPipeline, string]>) {
        await p.putPacket(enc(`${who}-${i}`))
        sent.push(`${who}-${i}`)
      }
    }
    await split.heal()
    // erin held only xavier's epoch-2 key: alice's packets under the other key wait for it, and are read once it comes
    for (const n of [A, X, D, E]) {
      await waitFor(() => sent.every(t => got.get(n)?.includes(t)), { timeout: 30_000, message: `${n.identity.name} read every packet sent during the partition` })
    }
    await hasEpoch(pa, 3, 'alice')
    for (const [p, who] of [[px, 'xavier'], [pd, 'dave'], [pe, 'erin']] as Array<[EncryptedPipeline, string]>) await hasEpoch(p, 3, who)
    await pa.putPacket(enc('epoch three'))
    for (const n of [X, D, E]) await waitFor(() => got.get(n)?.includes('epoch three') === true, { timeout: 20_000, message: `${n.identity.name} read epoch 3` })
    expect(pb.hasKey || pc.hasKey).toBe(false)
    expect([...(got.get(B) ?? []), ...(got.get(C) ?? [])]).not.toContain('epoch three')
    for (const n of [A, X, D, E]) {
      const texts = got.get(n) ?? []
      expect(new Set(texts).size, `${n.identity.name} got each packet once`).toBe(texts.length)
      expect(n.node.stats().undecryptable).toBe(0)
    }
  })

  it('a mistyped passphrase marks nothing delivered: with the right one, the same store reads everything', async () => {
    const net = networkId('grp')
    const store = await levelStore()
    dirs.push(store.dir)
    const a = await startNode({ network: net, name: 'alice' })
    let c = await startNode({ network: net, name: 'carol', datastore: store.datastore })
    running.push(a, c)
    await connect(a, c)
    const pa = a.node.createPipeline({ name: ROOM, persistent: true, encrypted: { passphrase: 'correct horse battery staple' } })
    let pc = c.node.createPipeline({ name: ROOM, persistent: true, encrypted: { passphrase: 'correct horse battery stapel' } })
    const wrong = collect(pc)
    for (let i = 0; i < 5; i++) await pa.putPacket(enc(`pass-${i}`))
    await waitFor(() => c.node.stats().stored >= 5, { timeout: 20_000, message: 'carol stored the five packets' })
    expect(wrong).toEqual([])
    expect(c.node.stats().undecryptable).toBe(0)
    const carol = c.identity
    await c.stop()
    await store.close()
    const reopened = await levelStore(store.dir)
    c = await startNode({ network: net, identity: carol, datastore: reopened.datastore })
    running.push(c)
    pc = c.node.createPipeline({ name: ROOM, persistent: true, encrypted: { passphrase: 'correct horse battery staple' } })
    const right = collect(pc)
    await waitFor(() => right.length === 5, { timeout: 20_000, message: 'carol read the five packets with the right passphrase' })
    expect(right).toEqual(['pass-0', 'pass-1', 'pass-2', 'pass-3', 'pass-4'])
  })

  it('a member from whom a removal is withheld finds out from the next entry that names it (membership-stale)', async () => {
    const net = networkId('grp')
    const all = await startMesh(net, ['alice', 'bob', 'carol', 'dave'], running)
    const [A, B, C, D] = all as [TestNode, TestNode, TestNode, TestNode]
    const pa = A.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [B, C, D].map(n => n.identity.public()) } })
    const [pb, pc] = [B, C].map(n => n.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: A.identity.id } })) as [EncryptedPipeline, EncryptedPipeline]
    D.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: A.identity.id } })
    const stale: Array<{ behind: string, author: string }> = []
    pc.addEventListener('membership-stale', (e) => { stale.push((e as CustomEvent<{ behind: string, author: string }>).detail) })
    const gotC = collect(pc)
    await hasEpoch(pb, 1, 'bob')
    await hasEpoch(pc, 1, 'carol')
    // carol is cut off; the relay she still hears passes her entries but withholds control records
    const split = await partition([[A.transport, B.transport, D.transport], [C.transport]])
    await pa.removeMember(D.identity.id)
    await hasEpoch(pb, 2, 'bob')
    const put = await pb.putPacket(enc('bob after the removal'))
    const relay = await startHostilePeer({ networkId: net })
    hostile.push(relay)
    await relay.dial(C.transport.addresses()[0] as string)
    const topic = topicFor(net, ROOM)
    relay.subscribe(topic)
    await waitFor(() => relay.subscribers(topic).includes(C.transport.peerId), { timeout: 10_000, message: 'the relay sees carol subscribed' })
    const wire = (await storedEntries(B.datastore, ROOM)).find(e => e.id === put.id)?.wire
    if (wire === undefined) throw new Error('bob did not store his packet')
    await relay.publish(topic, wire)
    await waitFor(() => C.node.stats().staleViews === 1, { timeout: 20_000, message: 'carol reported her stale view' })
    expect(stale).toEqual([expect.objectContaining({ behind: 'self', author: Buffer.from(B.identity.publicKey).toString('hex') })])
    expect(pc.epoch).toBe(1)
    expect(gotC).toEqual([])
    // once the removal reaches her she reads it
    await split.heal()
    await waitFor(() => gotC.includes('bob after the removal'), { timeout: 20_000, message: 'carol read bob after syncing the removal' })
  })

  it('re-keys on a schedule: every N packets and after a time, members read across the epochs', async () => {
    const net = networkId('grp')
    const a = await startNode({ network: net, name: 'alice' })
    const b = await startNode({ network: net, name: 'bob' })
    running.push(a, b)
    await connect(a, b)
    const pa = a.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [b.identity.public()], rekeyEvery: { messages: 5 } } })
    const pb = b.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    const gotB = collect(pb)
    await hasEpoch(pb, 1, 'bob')
    const epochs = new Set<number>()
    for (let i = 0; i < 12; i++) {
      const p = i % 2 === 0 ? pa : pb
      // a re-key is written on the owner's node as packets are stored: wait for the key where it moved
      await waitFor(() => p.hasKey && !p.rekeyPending, { timeout: 20_000, message: 'the writer holds the current key' })
      await p.putPacket(enc(`m-${i}`))
      epochs.add(p.epoch)
      if (p === pb) await waitFor(() => a.node.stats().stored >= i + 2, { timeout: 20_000, message: 'alice stored bob\'s packet' })
    }
    await waitFor(() => gotB.length === 12, { timeout: 20_000, message: 'bob read all 12' })
    expect(gotB).toEqual(expect.arrayContaining(Array.from({ length: 12 }, (_, i) => `m-${i}`)))
    await waitFor(() => pb.epoch >= 3, { timeout: 20_000, message: 'two scheduled re-keys' })
    expect(epochs.size).toBeGreaterThanOrEqual(2)

    const timed = 'timed'
    const qa = a.node.createPipeline({ name: timed, persistent: true, encrypted: { members: [b.identity.public()], rekeyEvery: { ms: 400 } } })
    const qb = b.node.createPipeline({ name: timed, persistent: true, encrypted: { owner: a.identity.id } })
    await hasEpoch(qb, 1, 'bob')
    await waitFor(() => qb.epoch >= 2 && qb.hasKey, { timeout: 20_000, message: 'an epoch older than 400 ms was replaced' })
    expect(qa.epoch).toBeGreaterThanOrEqual(2)
  })

  it('while a removed member holds the current key, puts are refused (ERR_REKEY_PENDING) until an admin re-keys, with events', async () => {
    const net = networkId('grp')
    const all = await startMesh(net, ['alice', 'xavier', 'bob', 'carol', 'dave'], running)
    const [A, X, B, C, D] = all as [TestNode, TestNode, TestNode, TestNode, TestNode]
    const pa = A.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [B, C, D].map(n => n.identity.public()), admins: [X.identity.public()] } })
    const [px, pb, pc, pd] = [X, B, C, D].map(n => n.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: A.identity.id } })) as EncryptedPipeline[] as [EncryptedPipeline, EncryptedPipeline, EncryptedPipeline, EncryptedPipeline]
    for (const [p, who] of [[px, 'xavier'], [pb, 'bob'], [pc, 'carol'], [pd, 'dave']] as Array<[EncryptedPipeline, string]>) await hasEpoch(p, 1, who)
    const events: string[] = []
    for (const type of ['rekey-pending', 'rekeyed']) pd.addEventListener(type, () => { events.push(type) })
    const gotX = collect(px)
    const split = await partition([[A.transport, C.transport], [X.transport, B.transport, D.transport]])
    await pa.removeMember(B.identity.id)
    await px.removeMember(C.identity.id)
    // the owner, who would mend it at once, goes away: xavier mends it after his pause
    await A.stop()
    await split.heal()
    await connect(C, X)
    await waitFor(() => pd.rekeyPending, { timeout: 20_000, message: 'dave sees the current key held by a removed member' })
    await expect(pd.putPacket(enc('would reach a removed member'))).rejects.toMatchObject({ code: 'ERR_REKEY_PENDING' })
    await waitFor(() => !pd.rekeyPending && pd.epoch === 3 && pd.hasKey, { timeout: 20_000, message: 'xavier started epoch 3' })
    expect(events).toEqual(['rekey-pending', 'rekeyed'])
    await pd.putPacket(enc('safe again'))
    await waitFor(() => gotX.includes('safe again'), { timeout: 20_000, message: 'xavier read dave' })
    expect(pb.hasKey || pc.hasKey).toBe(false)
  })
})
