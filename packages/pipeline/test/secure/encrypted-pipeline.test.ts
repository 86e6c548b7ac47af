import { generateIdentity, randomBytes, sealTo } from '@pipes/identity'
import { partition, startHostilePeer, waitFor } from '@pipes/testkit'
import { topicFor } from '@pipes/transport'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeEntry, FLAG_ENCRYPTED, FLAG_PERSISTENT } from '../../src/index.js'
import { encodeControlRecord, grantPlaintext } from '../../src/secure/control-record.js'
import { connect, enc, levelStore, networkId, removeDir, startNode } from '../helpers.js'
import { aliceBobDave, collect, countMarker, hasEpoch } from './net-helpers.js'
import type { EncryptedPipeline } from '../../src/index.js'
import type { TestNode } from '../helpers.js'
import type { HostilePeer } from '@pipes/testkit'

const ROOM = 'room'

describe('encrypted pipeline: member list', () => {
  const running: TestNode[] = []
  const hostile: HostilePeer[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all([...running.splice(0), ...hostile.splice(0)].map(async n => { await n.stop() }))
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  it('members read each other; a non-member node that stores and relays the pipeline holds no plaintext', async () => {
    const net = networkId('enc')
    const a = await startNode({ network: net, name: 'alice' })
    const b = await startNode({ network: net, name: 'bob' })
    const c = await startNode({ network: net, name: 'carrier' })
    running.push(a, b, c)
    // b reaches a only through c
    await connect(a, c)
    await connect(b, c)
    const pa = a.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [b.identity.public()] } })
    const pb = b.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    const pc = c.node.createPipeline({ name: ROOM, persistent: true, encrypted: { relayOnly: true } })
    expect(pa.kind).toBe('encrypted')
    const gotB = collect(pb)
    const gotC = collect(pc)
    await hasEpoch(pb, 1, 'bob')
    expect(pb.members().map(m => m.id).sort()).toEqual([a.identity.id, b.identity.id].sort())
    for (let i = 0; i < 20; i++) await pa.putPacket(enc(`SECRET-MARKER-a-${i}`))
    for (let i = 0; i < 20; i++) await pb.putPacket(enc(`SECRET-MARKER-b-${i}`))
    await waitFor(() => gotB.length === 40, { timeout: 20_000, message: 'bob read all 40' })
    expect(gotB.filter(t => t.startsWith('SECRET-MARKER-a-'))).toEqual(Array.from({ length: 20 }, (_, i) => `SECRET-MARKER-a-${i}`))
    // the carrier stored everything (1 genesis + 40 packets), checked every signature, and reads nothing
    await waitFor(() => c.node.stats().stored >= 41, { timeout: 20_000, message: 'the carrier stored every entry' })
    expect(c.node.stats().rejected).toBe(0)
    expect(gotC).toEqual([])
    expect(pc.hasKey).toBe(false)
    const scan = await countMarker(c.datastore, 'SECRET-MARKER')
    expect(scan.records).toBeGreaterThan(40)
    expect(scan.hits).toBe(0)
    for await (const _ of pc.history()) throw new Error('the carrier decoded a packet')
  })

  it('an admin named by the owner adds a member, who then reads the current epoch, and removes one', async () => {
    const net = networkId('enc')
    const a = await startNode({ network: net, name: 'alice' })
    const x = await startNode({ network: net, name: 'xavier' })
    const b = await startNode({ network: net, name: 'bob' })
    const f = await startNode({ network: net, name: 'fay' })
    running.push(a, x, b, f)
    await connect(a, x)
    await connect(x, b)
    await connect(x, f)
    a.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [b.identity.public()], admins: [x.identity.public()] } })
    // this room shares history with added members
    const px = x.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id, shareHistory: true } })
    const pb = b.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    const pf = f.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    const gotF = collect(pf)
    await hasEpoch(px, 1, 'xavier')
    await hasEpoch(pb, 1, 'bob')
    await pb.putPacket(enc('before fay joined'))
    await expect(pb.addMember(f.identity.public())).rejects.toMatchObject({ code: 'ERR_NOT_ADMIN' })
    for (const bad of [undefined, null, 'id-only', 42, {}, { publicKey: new Uint8Array(32) }, f.identity.id]) {
      await expect(px.addMember(bad as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    }
    for (const bad of [undefined, null, 'not-an-id', 42, {}, new Uint8Array(32)]) {
      await expect(px.removeMember(bad as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    }
    await expect(px.removeMember(generateIdentity('stranger').id)).rejects.toMatchObject({ code: 'ERR_NOT_REMOVABLE' })
    await expect(px.removeMember(a.identity.id)).rejects.toMatchObject({ code: 'ERR_NOT_REMOVABLE' })
    expect(pf.hasKey).toBe(false)
    await px.addMember(f.identity.public())
    await hasEpoch(pf, 1, 'fay')
    await waitFor(() => gotF.length === 1, { timeout: 20_000, message: 'fay read the packet of the epoch she joined' })
    expect(gotF).toEqual(['before fay joined'])
    await pf.putPacket(enc('hi from fay'))
    await px.removeMember(b.identity)
    await hasEpoch(pf, 2, 'fay')
    expect(pf.members().map(m => m.name).sort()).toEqual(['alice', 'fay', 'xavier'])
    expect(pb.hasKey).toBe(false)
  })

  it('two admins removing members on both sides of a partition converge on a new epoch that neither removed member holds', async () => {
    const net = networkId('enc')
    const a = await startNode({ network: net, name: 'alice' })
    const x = await startNode({ network: net, name: 'xavier' })
    const b = await startNode({ network: net, name: 'bob' })
    const c = await startNode({ network: net, name: 'carol' })
    running.push(a, x, b, c)
    for (const [p, q] of [[a, x], [a, b], [a, c], [x, b], [x, c], [b, c]] as Array<[TestNode, TestNode]>) await connect(p, q)
    const pa = a.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [b.identity.public(), c.identity.public()], admins: [x.identity.public()] } })
    const px = x.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    const pb = b.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    const pc = c.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    for (const [p, who] of [[px, 'xavier'], [pb, 'bob'], [pc, 'carol']] as Array<[EncryptedPipeline, string]>) await hasEpoch(p, 1, who)
    const split = await partition([[a.transport, b.transport], [x.transport, c.transport]])
    await pa.removeMember(c.identity.id)
    await px.removeMember(b.identity.id)
    expect(pa.epoch).toBe(2)
    expect(px.epoch).toBe(2)
    await split.heal()
    // the owner sees that the key of epoch 2 went to someone removed and starts epoch 3
    await hasEpoch(pa, 3, 'alice')
    await hasEpoch(px, 3, 'xavier')
    expect(pa.members().map(m => m.name).sort()).toEqual(['alice', 'xavier'])
    expect(px.members().map(m => m.name).sort()).toEqual(['alice', 'xavier'])
    await waitFor(() => pb.epoch === 3 && pc.epoch === 3, { timeout: 20_000, message: 'bob and carol learned of epoch 3' })
    expect(pb.hasKey || pc.hasKey).toBe(false)
    const gotX = collect(px)
    const gotB = collect(pb)
    const gotC = collect(pc)
    await pa.putPacket(enc('epoch three'))
    await waitFor(() => gotX.includes('epoch three'), { timeout: 20_000, message: 'xavier read epoch 3' })
    expect([...gotB, ...gotC]).not.toContain('epoch three')
  })

  it('a member offline during a key change reads everything after syncing', async () => {
    const net = networkId('enc')
    const storeE = await levelStore()
    dirs.push(storeE.dir)
    const a = await startNode({ network: net, name: 'alice' })
    const d = await startNode({ network: net, name: 'dave' })
    let e = await startNode({ network: net, name: 'erin', datastore: storeE.datastore })
    running.push(a, d, e)
    const erin = e.identity
    await connect(a, d)
    await connect(a, e)
    const pa = a.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [d.identity.public(), erin.public()] } })
    d.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    let pe = e.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.public() } })
    let gotE = collect(pe)
    await hasEpoch(pe, 1, 'erin')
    await pa.putPacket(enc('before-0'))
    await waitFor(() => gotE.length === 1, { timeout: 20_000, message: 'erin read the first packet' })
    await e.stop()
    await storeE.close()
    // while erin is away: two packets, a removal (epoch 2), two more, an addition
    await pa.putPacket(enc('before-1'))
    await pa.putPacket(enc('before-2'))
    await pa.removeMember(d.identity.id)
    expect(pa.epoch).toBe(2)
    await pa.putPacket(enc('after-0'))
    await pa.putPacket(enc('after-1'))
    const reopened = await levelStore(storeE.dir)
    e = await startNode({ network: net, identity: erin, datastore: reopened.datastore })
    running.push(e)
    pe = e.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.public() } })
    gotE = collect(pe)
    await connect(e, a)
    await waitFor(() => gotE.length === 4, { timeout: 20_000, message: 'erin read the four packets sent while away' })
    expect(gotE).toEqual(['before-1', 'before-2', 'after-0', 'after-1'])
    expect(pe.epoch).toBe(2)
    expect(pe.members().map(m => m.id).sort()).toEqual([a.identity.id, erin.id].sort())
  })

  it('after removing D, D (running and syncing) decrypts none of the next 100 packets; the others read all 100', async () => {
    const net = networkId('enc')
    const { d, pa, pb, pd, got: { a: gotA, b: gotB, d: gotD } } = await aliceBobDave(net, ROOM, running)
    await pb.putPacket(enc('hello before'))
    await waitFor(() => gotD.length === 1, { timeout: 20_000, message: 'dave read the packet of epoch 1' })
    await pa.removeMember(d.identity)
    await hasEpoch(pb, 2, 'bob')
    const sent: string[] = []
    for (let i = 0; i < 50; i++) {
      sent.push((await pa.putPacket(enc(`after-a-${i}`))).id)
      sent.push((await pb.putPacket(enc(`after-b-${i}`))).id)
    }
    await waitFor(() => gotA.length === 101 && gotB.length === 101, { timeout: 20_000, message: 'alice and bob read all 100' })
    // dave holds every one of them (its vector says so: delivery receipts) and still read none
    const lastA = sent[sent.length - 2] as string
    const lastB = sent[sent.length - 1] as string
    await waitFor(() => pa.holders(lastA).includes(d.transport.peerId) && pb.holders(lastB).includes(d.transport.peerId), { timeout: 20_000, message: 'dave stored all 100' })
    expect(gotD).toEqual(['hello before'])
    expect(pd.epoch).toBe(2)
    expect(pd.hasKey).toBe(false)
    await expect(pd.putPacket(enc('still here?'))).rejects.toMatchObject({ code: 'ERR_NOT_MEMBER' })
    const scan = await countMarker(d.datastore, 'after-')
    expect(scan.hits).toBe(0)
  })

  it('drops and counts a tampered ciphertext and a key sealed by a non-admin; the pipeline goes on', async () => {
    const net = networkId('enc')
    const a = await startNode({ network: net, name: 'alice' })
    const b = await startNode({ network: net, name: 'bob' })
    running.push(a, b)
    await connect(a, b)
    const mallory = generateIdentity('mallory')
    const pa = a.node.createPipeline({ name: ROOM, persistent: true, encrypted: { members: [b.identity.public(), mallory.public()] } })
    const pb = b.node.createPipeline({ name: ROOM, persistent: true, encrypted: { owner: a.identity.id } })
    const gotB = collect(pb)
    await hasEpoch(pb, 1, 'bob')
    const evil = await startHostilePeer({ networkId: net })
    hostile.push(evil)
    await evil.dial(b.transport.addresses()[0] as string)
    const topic = topicFor(net, ROOM)
    evil.subscribe(topic)
    await waitFor(() => evil.subscribers(topic).includes(b.transport.peerId), { timeout: 10_000, message: 'the hostile peer sees bob subscribed' })
    // mallory, a member but no admin, seals bob a key of her own for a new epoch ...
    const fakeKey = randomBytes(32)
    const box = sealTo(b.identity, grantPlaintext(fakeKey, { network: net, pipeline: ROOM }, 2, b.identity.publicKey))
    const grant = encodeControlRecord({ type: 'grant', epoch: 2, key: new Uint8Array(8), grants: [{ to: b.identity.publicKey, box }] })
    const flags = FLAG_PERSISTENT | FLAG_ENCRYPTED
    const e1 = await encodeEntry(mallory, { network: net, pipeline: ROOM, seq: 1, time: Date.now(), flags, keyEpoch: 0, payload: grant })
    // ... and sends a packet of epoch 1 whose ciphertext is garbage (correctly signed)
    const { decodeEntry } = await import('../../src/index.js')
    const prev = (id: string): Uint8Array => Uint8Array.from(Buffer.from(id, 'hex'))
    const e2 = await encodeEntry(mallory, { network: net, pipeline: ROOM, seq: 2, prev: prev(e1.id), time: Date.now(), flags, keyEpoch: 1, payload: Uint8Array.of(0, ...randomBytes(79)) })
    expect(decodeEntry(e2.wire)?.seq).toBe(2)
    await evil.publish(topic, e1.wire)
    await evil.publish(topic, e2.wire)
    await waitFor(() => b.node.stats().controlDropped === 1 && b.node.stats().undecryptable === 1, { timeout: 20_000, message: 'bob dropped both' })
    expect(pb.epoch).toBe(1)
    expect(b.node.stats().rejected).toBe(0)
    // the pipeline goes on
    await pa.putPacket(enc('still fine'))
    await waitFor(() => gotB.includes('still fine'), { timeout: 20_000, message: 'bob read the next packet' })
    expect(gotB).toEqual(['still fine'])
  })
})

describe('encrypted pipeline: shared secret', () => {
  const running: TestNode[] = []
  afterEach(async () => { await Promise.all(running.splice(0).map(async n => { await n.stop() })) })

  it('members with the same key or passphrase read each other; another secret reads nothing', async () => {
    const net = networkId('enc')
    const a = await startNode({ network: net, name: 'alice' })
    const b = await startNode({ network: net, name: 'bob' })
    const c = await startNode({ network: net, name: 'carol' })
    running.push(a, b, c)
    await connect(a, b)
    await connect(a, c)
    const key = randomBytes(32)
    const pa = a.node.createPipeline({ name: ROOM, persistent: true, encrypted: { key } })
    const pb = b.node.createPipeline({ name: ROOM, persistent: true, encrypted: { key } })
    const pc = c.node.createPipeline({ name: ROOM, persistent: true, encrypted: { key: randomBytes(32) } })
    const gotB = collect(pb)
    const gotC = collect(pc)
    expect(pa.epoch).toBe(1)
    await pa.putPacket(enc('shared-1'))
    await waitFor(() => gotB.length === 1 && c.node.stats().stored >= 1, { timeout: 20_000, message: 'bob read it, carol stored it' })
    expect(gotB).toEqual(['shared-1'])
    expect(gotC).toEqual([])
    // another key: carol waits for a key she will never get, nothing is dropped or marked delivered
    expect(c.node.stats().undecryptable).toBe(0)
    await expect(pa.addMember(c.identity.public())).rejects.toMatchObject({ code: 'ERR_NOT_ADMIN' })

    const pp = 'passphrase-room'
    const qa = a.node.createPipeline({ name: pp, persistent: true, encrypted: { passphrase: 'correct horse battery staple' } })
    const qb = b.node.createPipeline({ name: pp, persistent: true, encrypted: { passphrase: 'correct horse battery staple' } })
    const gotQ = collect(qb)
    await qa.putPacket(enc('by passphrase'))
    await waitFor(() => gotQ.length === 1, { timeout: 20_000, message: 'bob read the passphrase pipeline' })
    expect(gotQ).toEqual(['by passphrase'])
  })

  it('refuses unusable encrypted options with a typed error', () => {
    const net = networkId('enc')
    return startNode({ network: net, online: false }).then(async (a) => {
      running.push(a)
      const bad: unknown[] = [{}, { key: new Uint8Array(5) }, { passphrase: '' }, { owner: 'not-an-id' }, { members: ['x'] }, { key: randomBytes(32), passphrase: 'x' }, { admins: [] }, 'yes', { relayOnly: false }]
      for (const encrypted of bad) {
        expect(() => a.node.createPipeline({ name: 'x', persistent: true, encrypted } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SECURE_OPTION' }))
      }
      expect(() => a.node.createPipeline({ name: 'x', persistent: false, encrypted: { key: randomBytes(32) } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
    })
  })
})
