import { bytesToHex, generateIdentity } from '@pipes/identity'
import { startHostilePeer, waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { MAILBOX_PIPELINE, MailboxQuotaError } from '../../src/index.js'
import { signCheckpoint } from '../../src/secure/mailbox/checkpoint.js'
import { SyncFrame } from '../../src/sync.pb.js'
import { connect, dec, enc, levelStore, networkId, removeDir, startNode } from '../helpers.js'
import type { ForkDetail, MailboxOptions, Packet, Pipeline, PointToPointPipeline } from '../../src/index.js'
import type { HostilePeer } from '@pipes/testkit'
import type { TestNode } from '../helpers.js'
import type { Datastore } from 'interface-datastore'

const DM = 'dm'
const RETENTION_MS = 60_000
const ENTRIES_PREFIX = `/pipes/log/${bytesToHex(new TextEncoder().encode('pipes:mailbox'))}/e/`

/**
 * The clock the mailboxes of a test measure expiry by: fixed until the test
 * moves it. `expireUpTo()` makes every envelope written so far expired (and
 * none written after), with no sleep.
 */
function testClock (): { now: () => number, expireUpTo: () => Promise<void> } {
  let value = Date.now()
  return {
    now: () => value,
    expireUpTo: async () => {
      const split = Date.now() + 1
      value = split + RETENTION_MS
      // later entries carry a time at or after the split (wall clock), so they are not expired
      await waitFor(() => Date.now() > split, { timeout: 1000, interval: 1 })
    }
  }
}

function mailbox (clock: { now: () => number }, extra: MailboxOptions = {}): MailboxOptions {
  // no prekey records: these tests count each author's envelopes and seqs
  return { retentionMs: RETENTION_MS, sweepIntervalMs: 25, now: clock.now, prekeys: false, ...extra }
}

/** Mailbox entry records in a datastore, by author hex. */
async function mailboxRecords (datastore: Datastore): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for await (const key of datastore.queryKeys({ prefix: ENTRIES_PREFIX })) {
    const author = key.toString().slice(ENTRIES_PREFIX.length).split('/')[0] as string
    out.set(author, (out.get(author) ?? 0) + 1)
  }
  return out
}

function texts (p: Pipeline): string[] {
  const got: string[] = []
  p.addPacketListener((packet: Packet) => { got.push(dec(packet.data)) })
  return got
}

describe('mailbox retention: quotas, expiry, checkpoints', () => {
  const running: TestNode[] = []
  const dirs: string[] = []
  const hostiles: HostilePeer[] = []
  afterEach(async () => {
    await Promise.all(hostiles.splice(0).map(async h => { await h.stop() }))
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  it('a hostile writer gets only its quota into a node (entries and bytes); the rest is dropped and counted, honest authors go on, the store stays whole across a restart', async () => {
    const net = networkId('mbx')
    const clock = testClock()
    const quota = { maxEntriesPerAuthor: 10, maxBytesPerAuthor: 10_000 }
    const storeV = await levelStore()
    dirs.push(storeV.dir)
    let v = await startNode({ network: net, name: 'victim', datastore: storeV.datastore, syncIntervalMs: 500, node: { mailbox: mailbox(clock, quota) } })
    const many = await startNode({ network: net, name: 'many', syncIntervalMs: 500, node: { mailbox: { prekeys: false } } })
    const big = await startNode({ network: net, name: 'big', syncIntervalMs: 500, node: { mailbox: { prekeys: false } } })
    const honest = await startNode({ network: net, name: 'honest', syncIntervalMs: 500, node: { mailbox: { prekeys: false } } })
    running.push(v, many, big, honest)
    const bob = generateIdentity('bob')
    for (const n of [many, big, honest]) await connect(n, v)
    // 25 small envelopes from one key (entry quota 10), 6 of 4 KiB from another (byte quota: 2 fit)
    const pm = many.node.createPipeline({ name: DM, peer: bob.id })
    for (let i = 0; i < 25; i++) await pm.putPacket(enc(`many-${i}`))
    const pg = big.node.createPipeline({ name: DM, peer: bob.id })
    for (let i = 0; i < 6; i++) await pg.putPacket(new Uint8Array(4000).fill(i))
    const ph = honest.node.createPipeline({ name: DM, peer: bob.id })
    for (let i = 0; i < 3; i++) await ph.putPacket(enc(`honest-${i}`))
    const hexOf = (n: TestNode): string => bytesToHex(n.identity.publicKey)
    await waitFor(async () => {
      const r = await mailboxRecords(storeV.datastore)
      return r.get(hexOf(many)) === 10 && r.get(hexOf(big)) === 2 && r.get(hexOf(honest)) === 3
    }, { timeout: 30_000, message: 'the victim holds the quota of each writer and every honest envelope' })
    // sync offers the rest too: it is refused each time, never stored
    await waitFor(() => v.node.stats().mailbox.overQuota >= 15 + 4, { timeout: 30_000, message: 'over-quota input counted' })
    const stats = v.node.stats()
    expect(stats.mailbox).toMatchObject({ entries: 15, authors: 3 })
    expect(stats.mailbox.bytes).toBeLessThanOrEqual(2 * quota.maxBytesPerAuthor)
    const records = await mailboxRecords(storeV.datastore)
    expect([records.get(hexOf(many)), records.get(hexOf(big)), records.get(hexOf(honest))]).toEqual([10, 2, 3])
    // the victim restarts on its store: what it held is intact and counted against the quota again
    await v.stop()
    await storeV.close()
    const reopened = await levelStore(storeV.dir)
    v = await startNode({ network: net, identity: v.identity, datastore: reopened.datastore, syncIntervalMs: 500, node: { mailbox: mailbox(clock, quota) } })
    running.push(v)
    await waitFor(() => v.node.stats().mailbox.entries === 15, { timeout: 10_000, message: 'the restarted victim loaded what it held' })
    expect(v.node.stats().mailbox.authors).toBe(3)
    await connect(many, v)
    await waitFor(() => v.node.stats().mailbox.overQuota > 0, { timeout: 30_000, message: 'the restarted victim refuses the rest again' })
    expect(await mailboxRecords(reopened.datastore)).toEqual(records)
    expect(v.node.stats().corruptRecords).toBe(0)
    await v.stop()
    await reopened.close()
  }, 90_000)

  it('our own puts over the quota fail with ERR_MAILBOX_QUOTA and work again once the old ones expired', async () => {
    const clock = testClock()
    const a = await startNode({ network: networkId('mbx'), online: false, node: { mailbox: mailbox(clock, { maxEntriesPerAuthor: 5 }) } })
    running.push(a)
    const pa = a.node.createPipeline({ name: DM, peer: generateIdentity('bob').id })
    for (let i = 0; i < 5; i++) await pa.putPacket(enc(`m-${i}`))
    const err = await pa.putPacket(enc('one too many')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MailboxQuotaError)
    expect(err).toMatchObject({ code: 'ERR_MAILBOX_QUOTA' })
    await clock.expireUpTo()
    await waitFor(() => a.node.stats().mailbox.expired === 5, { timeout: 10_000, message: 'the five expired' })
    const p = await pa.putPacket(enc('after expiry'))
    // the log goes on from the checkpoint: no seq is reused
    expect(p.seq).toBe(6)
    expect(a.node.stats().mailbox).toMatchObject({ checkpointsSigned: 1, entries: 1 })
  })

  it('expiry frees the store and survives a restart; the author signs a checkpoint, and a fresh node syncs what follows from it', async () => {
    const net = networkId('mbx')
    const clock = testClock()
    const storeA = await levelStore()
    dirs.push(storeA.dir)
    const bob = generateIdentity('bob')
    let a = await startNode({ network: net, name: 'alice', datastore: storeA.datastore, online: false, node: { mailbox: mailbox(clock) } })
    running.push(a)
    const pa = a.node.createPipeline({ name: DM, peer: bob.id })
    for (let i = 0; i < 30; i++) await pa.putPacket(enc(`old-${i}`))
    const self = bytesToHex(a.identity.publicKey)
    expect((await mailboxRecords(storeA.datastore)).get(self)).toBe(30)
    await clock.expireUpTo()
    await waitFor(() => a.node.stats().mailbox.expired === 30, { timeout: 10_000, message: 'the 30 envelopes expired' })
    expect((await mailboxRecords(storeA.datastore)).get(self)).toBeUndefined()
    expect(a.node.stats().mailbox).toMatchObject({ checkpointsSigned: 1, entries: 0, bytes: 0 })
    // restart on the same store: nothing comes back, the log goes on at seq 31
    await a.stop()
    await storeA.close()
    const reopened = await levelStore(storeA.dir)
    a = await startNode({ network: net, identity: a.identity, datastore: reopened.datastore, node: { mailbox: mailbox(clock) } })
    running.push(a)
    const pa2 = a.node.createPipeline({ name: DM, peer: bob.id })
    const left: string[] = []
    for await (const p of pa2.history()) left.push(dec(p.data))
    expect(left).toEqual([])
    expect(a.node.stats().mailbox).toMatchObject({ entries: 0, expired: 0 })
    const fresh = (await pa2.putPacket(enc('new-0'))).seq
    expect(fresh).toBe(31)
    await pa2.putPacket(enc('new-1'))
    // bob, fresh, meets alice: he takes her checkpoint and gets exactly the two unexpired packets
    const b = await startNode({ network: net, identity: bob, node: { mailbox: mailbox(clock) } })
    running.push(b)
    const got = texts(b.node.createPipeline({ name: DM, peer: a.identity.id }))
    await connect(b, a)
    await waitFor(() => got.length === 2, { timeout: 20_000, message: 'bob got the two new packets' })
    expect(got).toEqual(['new-0', 'new-1'])
    expect(b.node.stats().mailbox).toMatchObject({ rebased: 1, checkpointsTaken: 1 })
    await waitFor(() => pa2.acknowledged, { timeout: 20_000, message: 'bob acknowledged' })
    await a.stop()
    await reopened.close()
  }, 60_000)

  it('a relay that pruned serves a fresh node from the checkpoint: nothing unexpired is lost, nothing pruned is sent again', async () => {
    const net = networkId('mbx')
    const clock = testClock()
    const bob = generateIdentity('bob')
    const a = await startNode({ network: net, name: 'alice', node: { mailbox: mailbox(clock) } })
    const r = await startNode({ network: net, name: 'relay', node: { mailbox: mailbox(clock) } })
    running.push(a, r)
    await connect(a, r)
    const pa = a.node.createPipeline({ name: DM, peer: bob.id }) as PointToPointPipeline
    for (let i = 0; i < 20; i++) await pa.putPacket(enc(`old-${i}`))
    await waitFor(() => r.node.stats().mailbox.entries === 20, { timeout: 20_000, message: 'the relay carries the 20' })
    await clock.expireUpTo()
    const unexpired: string[] = []
    for (let i = 0; i < 5; i++) {
      await pa.putPacket(enc(`new-${i}`))
      unexpired.push(`new-${i}`)
    }
    // alice checkpoints her 20 old envelopes; the relay takes the checkpoint and drops what it covers
    await waitFor(() => r.node.stats().mailbox.expired === 20 && r.node.stats().mailbox.entries === 5, { timeout: 20_000, message: 'the relay dropped the 20 expired envelopes and kept the 5 new' })
    expect(r.node.stats().mailbox.checkpointsTaken).toBe(1)
    await a.stop()
    // a fresh node meets only the relay: it starts alice's log at the checkpoint
    const f = await startNode({ network: net, name: 'fresh', node: { mailbox: mailbox(clock) } })
    running.push(f)
    await connect(f, r)
    await waitFor(() => f.node.stats().mailbox.entries === 5, { timeout: 20_000, message: 'the fresh node holds the 5 unexpired envelopes' })
    expect(f.node.stats().mailbox).toMatchObject({ rebased: 1, checkpointsTaken: 1, checkpointsDropped: 0 })
    expect(f.node.stats().rejects['bad-chain']).toBe(0)
    expect(f.node.stats().gapBuffered).toBe(0)
    // a second session moves nothing more either way: the pruned entries and the checkpoint are not sent again
    const before = { r: r.node.stats().sync, f: f.node.stats().sync }
    await waitFor(() => f.node.stats().sync.sessions >= before.f.sessions + 2, { timeout: 20_000, message: 'two more sync sessions' })
    expect(r.node.stats().sync.entriesSent).toBe(before.r.entriesSent)
    expect(f.node.stats().sync.entriesSent).toBe(before.f.entriesSent)
    expect(f.node.stats().mailbox.checkpointsTaken).toBe(1)
    // bob, the recipient, meets only the fresh node and reads every unexpired packet
    const b = await startNode({ network: net, identity: bob, node: { mailbox: mailbox(clock) } })
    running.push(b)
    const got = texts(b.node.createPipeline({ name: DM, peer: a.identity.id }))
    await connect(b, f)
    await waitFor(() => got.length === 5, { timeout: 20_000, message: 'bob got the 5 unexpired packets' })
    expect(got).toEqual(unexpired)
  }, 60_000)

  it('bad checkpoints are dropped and counted, one naming another entry than ours is a fork; the store is untouched and the session goes on', async () => {
    const net = networkId('mbx')
    const clock = testClock()
    const v = await startNode({ network: net, name: 'victim', syncIntervalMs: 60_000, node: { mailbox: mailbox(clock) } })
    const x = await startNode({ network: net, name: 'writer', syncIntervalMs: 60_000, node: { mailbox: { prekeys: false } } })
    running.push(v, x)
    await connect(x, v)
    const forks: ForkDetail[] = []
    v.node.addEventListener('fork', (evt) => { forks.push(evt.detail) })
    const px = x.node.createPipeline({ name: DM, peer: generateIdentity('bob').id })
    const put = []
    for (let i = 0; i < 3; i++) put.push(await px.putPacket(enc(`x-${i}`)))
    await waitFor(() => v.node.stats().mailbox.entries === 3, { timeout: 20_000, message: 'the victim holds the writer\'s 3 envelopes' })
    const before = v.node.stats()
    const cp = async (seq: number, head: Uint8Array, time = Date.now(), who = x.identity): Promise<Uint8Array> =>
      (await signCheckpoint(who, net, MAILBOX_PIPELINE, seq, head, time)).bytes
    const forged = await cp(3, new Uint8Array(32).fill(1), Date.now(), generateIdentity('forger'))
    forged.set(x.identity.publicKey, 1)
    const throwaway = generateIdentity('throwaway')
    const records = [
      new Uint8Array(10).fill(9),                                                     // not a checkpoint
      forged,                                                                         // another key's signature
      await cp(3, new Uint8Array(32).fill(2), Date.now() + 10 * 60_000),              // from the future
      await cp(2, new Uint8Array(32).fill(3)),                                        // the writer signs another entry at seq 2: a fork
      await cp(5, new Uint8Array(32).fill(4), Date.now(), throwaway)                  // valid: a log the victim has never seen starts at 5
    ]
    const hostile = await startHostilePeer({ networkId: net })
    hostiles.push(hostile)
    await hostile.dial(v.transport.addresses()[0] as string)
    const session = [
      SyncFrame.encode({ kind: SyncFrame.Kind.HELLO, pipelines: [MAILBOX_PIPELINE] }),
      SyncFrame.encode({ kind: SyncFrame.Kind.VECTOR, pipeline: MAILBOX_PIPELINE, heads: [], last: true }),
      SyncFrame.encode({ kind: SyncFrame.Kind.CHECKPOINT, pipeline: MAILBOX_PIPELINE, entries: records as Array<Uint8Array<ArrayBuffer>> }),
      SyncFrame.encode({ kind: SyncFrame.Kind.DONE }),
      SyncFrame.encode({ kind: SyncFrame.Kind.ACK, pipeline: MAILBOX_PIPELINE, heads: [], last: true })
    ]
    const result = await hostile.sendFrames(v.transport.peerId, `/pipes/${net}/sync/4.0.0`, session as Array<Uint8Array<ArrayBuffer>>, { readForMs: 5000 })
    expect(result.reset).toBe(false)
    await waitFor(() => v.node.stats().mailbox.checkpointsDropped === 4, { timeout: 10_000, message: 'four bad checkpoints dropped' })
    const after = v.node.stats()
    expect(after.rejects.malformed - before.rejects.malformed).toBe(1)
    expect(after.rejects['bad-signature'] - before.rejects['bad-signature']).toBe(1)
    expect(after.rejects['future-time'] - before.rejects['future-time']).toBe(1)
    expect(after.rejects.fork - before.rejects.fork).toBe(1)
    expect(after.forks - before.forks).toBe(1)
    expect(forks).toEqual([expect.objectContaining({ pipeline: MAILBOX_PIPELINE, author: x.identity.id, seq: 2, kept: put[1]?.id, rejected: '03'.repeat(32) })])
    expect(after.mailbox).toMatchObject({ checkpointsTaken: 1, rebased: 1, entries: 3 })
    expect(after.sync.sessions - before.sync.sessions).toBe(1)
    // the writer's log is whole and goes on
    await px.putPacket(enc('x-3'))
    await waitFor(() => v.node.stats().mailbox.entries === 4, { timeout: 20_000, message: 'the victim takes the writer\'s next envelope' })
    expect(v.node.stats().corruptRecords).toBe(0)
  })

  it('a restored identity whose mailbox front every peer dropped starts its own log at its checkpoint and writes on after it', async () => {
    const net = networkId('mbx')
    const clock = testClock()
    const bob = generateIdentity('bob')
    const a = await startNode({ network: net, name: 'alice', node: { mailbox: mailbox(clock) } })
    const r = await startNode({ network: net, name: 'relay', node: { mailbox: mailbox(clock) } })
    running.push(a, r)
    await connect(a, r)
    const pa = a.node.createPipeline({ name: DM, peer: bob.id })
    for (let i = 0; i < 10; i++) await pa.putPacket(enc(`old-${i}`))
    await clock.expireUpTo()
    await pa.putPacket(enc('new-0'))
    await waitFor(() => r.node.stats().mailbox.expired === 10 && r.node.stats().mailbox.entries === 1 && r.node.stats().mailbox.checkpointsTaken === 1, { timeout: 20_000, message: 'the relay dropped the 10 and holds the checkpoint and the new one' })
    await a.stop()
    // the same key on an empty store, restored: it must learn its own head (seq 11) before writing
    const a2 = await startNode({ network: net, identity: a.identity, node: { restored: true, mailbox: mailbox(clock) } })
    running.push(a2)
    const pa2 = a2.node.createPipeline({ name: DM, peer: bob.id })
    await connect(a2, r)
    let seq = 0
    await waitFor(async () => {
      try {
        seq = (await pa2.putPacket(enc('from the restored device'))).seq
        return true
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_OWN_HEADS_UNKNOWN') return false
        throw err
      }
    }, { timeout: 20_000, interval: 100, message: 'the restored identity may write' })
    expect(seq).toBe(12)
    expect(a2.node.stats().mailbox).toMatchObject({ rebased: 1, entries: 2 })
    expect(a2.node.stats().forks).toBe(0)
    // bob gets both unexpired packets from the relay, in order
    const b = await startNode({ network: net, identity: bob, node: { mailbox: mailbox(clock) } })
    running.push(b)
    const got = texts(b.node.createPipeline({ name: DM, peer: a.identity.id }))
    await connect(b, r)
    await waitFor(() => got.length === 2, { timeout: 20_000, message: 'bob got both' })
    expect(got).toEqual(['new-0', 'from the restored device'])
  }, 60_000)
})
