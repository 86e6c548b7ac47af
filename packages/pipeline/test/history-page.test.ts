import { generateIdentity, hexToBytes } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeEntry, FLAG_PERSISTENT, InvalidPipelineArgumentError, levelDurableStore, UnknownPacketError } from '../src/index.js'
import { connect, dec, enc, levelStore, networkId, removeDir, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { DurableStore, HistoryOptions, Packet, Pipeline } from '../src/index.js'
import type { PersistentPipeline } from '../src/persistent-pipeline.js'
import type { LevelDatastore } from 'datastore-level'

const PIPE = 'timeline'
const LIMITS = { maxEntries: 512, maxBytes: 1024 * 1024 }
const T0 = 1_700_000_000_000

/** A LevelDB store behind the seam that counts what it reads: keys asked of getMany, rows returned by range or scan. */
function countingStore (datastore: LevelDatastore): DurableStore & { reads: number } {
  const inner = levelDurableStore(datastore)
  const store = {
    reads: 0,
    durable: inner.durable,
    batch: async (ops: Parameters<DurableStore['batch']>[0], options: { sync: boolean }) => { await inner.batch(ops, options) },
    getMany: async (keys: string[]) => { store.reads += keys.length; return await inner.getMany(keys) },
    scan: async function * (prefix: string) { for await (const row of inner.scan(prefix)) { store.reads++; yield row } },
    range: async (q: Parameters<NonNullable<DurableStore['range']>>[0]) => {
      const rows = await (inner.range as NonNullable<DurableStore['range']>)(q)
      store.reads += rows.length
      return rows
    }
  }
  return store
}

/** Stores `count` entries of a fresh author through the sync ingest path, entry `i` at time `T0 + start + i * step`. */
async function seed (p: Pipeline, net: string, count: number, start: number, step = 2): Promise<void> {
  const author = generateIdentity('seeded')
  let prev: Uint8Array = new Uint8Array(0)
  let run: Uint8Array[] = []
  for (let seq = 1; seq <= count; seq++) {
    const { wire, id } = await encodeEntry(author, { network: net, pipeline: PIPE, seq, prev, time: T0 + start + (seq - 1) * step, flags: FLAG_PERSISTENT, payload: enc(`s${seq}`) })
    prev = hexToBytes(id)
    run.push(wire)
    if (run.length === 400 || seq === count) {
      expect(await (p as PersistentPipeline).ingestBatch(run, 'test', LIMITS)).toBe(true)
      run = []
    }
  }
  await (p as PersistentPipeline).flush()
}

async function page (p: Pipeline, options: HistoryOptions): Promise<Packet[]> {
  const out: Packet[] = []
  for await (const packet of p.history(options)) out.push(packet)
  return out
}

/** Every packet, in the index's order: by time, then author key, then seq. */
async function allInTimeOrder (p: Pipeline): Promise<string[]> {
  const all: Packet[] = []
  for await (const packet of p.history()) all.push(packet)
  const key = (x: Packet): string => `${x.timestamp.toString().padStart(16, '0')}/${Buffer.from(x.sender.publicKey).toString('hex')}/${x.seq.toString().padStart(16, '0')}`
  return all.sort((a, b) => key(a) < key(b) ? -1 : 1).map(x => x.id)
}

describe('pipeline.history({ before, after, limit, reverse }): pages through the time index', () => {
  const running: TestNode[] = []
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
    for (const fn of cleanup.splice(0).reverse()) await fn()
  })

  async function levelNode (net: string, name: string, dir?: string, identity = generateIdentity(name)): Promise<{ t: TestNode, store: DurableStore & { reads: number }, dir: string, datastore: LevelDatastore }> {
    const level = await levelStore(dir)
    if (dir === undefined) cleanup.push(async () => { await removeDir(level.dir) })
    const store = countingStore(level.datastore)
    const t = await startNode({ network: net, name, identity, node: { datastore: undefined, store } })
    running.push(t)
    cleanup.push(level.close)
    return { t, store, dir: level.dir, datastore: level.datastore }
  }

  it('pages forward and back through three authors in time order, and goes on from a packet id after a restart', async () => {
    const net = networkId('hist')
    const first = await levelNode(net, 'alice')
    const p = first.t.node.createPipeline({ name: PIPE, persistent: true })
    await seed(p, net, 120, 1)
    await seed(p, net, 80, 0, 3)
    for (let i = 0; i < 30; i++) await p.putPacket(enc(`own ${i}`))
    const order = await allInTimeOrder(p)
    expect(order).toHaveLength(230)

    const forward: string[] = []
    let after: string | undefined
    for (let i = 0; i < 10; i++) {
      const got = await page(p, { limit: 50, ...(after === undefined ? {} : { after }) })
      forward.push(...got.map(x => x.id))
      if (got.length < 50) break
      after = got[got.length - 1]?.id
    }
    expect(forward).toEqual(order)

    const back: string[] = []
    let before: string | undefined
    for (let i = 0; i < 10; i++) {
      const got = await page(p, { limit: 50, reverse: true, ...(before === undefined ? {} : { before }) })
      back.push(...got.map(x => x.id))
      if (got.length < 50) break
      before = got[got.length - 1]?.id
    }
    expect(back).toEqual([...order].reverse())

    // a time bound: strictly after / before that millisecond
    const byTime = await page(p, { after: T0 + 10, before: T0 + 20, limit: 1000 })
    expect(byTime.every(x => x.timestamp > T0 + 10 && x.timestamp < T0 + 20)).toBe(true)
    expect(byTime.length).toBeGreaterThan(0)

    const cursor = order[99] as string
    await first.t.stop()
    await first.datastore.close()
    const again = await levelNode(net, 'alice', first.dir, first.t.identity)
    const p2 = again.t.node.createPipeline({ name: PIPE, persistent: true })
    const next = await page(p2, { after: cursor, limit: 50 })
    expect(next.map(x => x.id)).toEqual(order.slice(100, 150))
    const latest = await page(p2, { reverse: true, limit: 3 })
    expect(latest.map(x => dec(x.data))).toEqual(['own 29', 'own 28', 'own 27'])
  })

  it('a page costs the same reads at 1,000 and at 10,000 entries', async () => {
    const net = networkId('hist')
    const { t, store } = await levelNode(net, 'counter')
    const p = t.node.createPipeline({ name: PIPE, persistent: true })
    await seed(p, net, 1000, 0)
    const cost = async (options: HistoryOptions): Promise<number> => {
      const before = store.reads
      expect(await page(p, options)).toHaveLength(50)
      return store.reads - before
    }
    const middle = (await page(p, { after: T0 + 500, limit: 1 }))[0] as Packet
    const small = [await cost({ reverse: true, limit: 50 }), await cost({ after: middle.id, limit: 50 }), await cost({ before: T0 + 1500, reverse: true, limit: 50 })]
    await seed(p, net, 9000, 5000)
    const large = [await cost({ reverse: true, limit: 50 }), await cost({ after: middle.id, limit: 50 }), await cost({ before: T0 + 1500, reverse: true, limit: 50 })]
    expect(large).toEqual(small)
    // one index row and one entry per packet, plus the cursor's id lookup
    expect(Math.max(...large)).toBeLessThanOrEqual(101)
  })

  it('a node that catches up 10,000 entries over sync pages them like its own', async () => {
    const net = networkId('hist')
    const a = await levelNode(net, 'a')
    const pa = a.t.node.createPipeline({ name: PIPE, persistent: true })
    await seed(pa, net, 10_000, 0, 1)
    const b = await levelNode(net, 'b')
    const pb = b.t.node.createPipeline({ name: PIPE, persistent: true })
    await connect(b.t, a.t)
    await waitFor(() => b.t.node.stats().stored >= 10_000, { timeout: 60_000, message: 'b caught up 10,000 entries' })
    await (pb as PersistentPipeline).flush()
    const last = await page(pb, { reverse: true, limit: 50 })
    expect(last.map(x => dec(x.data))).toEqual(Array.from({ length: 50 }, (_, i) => `s${10_000 - i}`))
    const older = await page(pb, { before: (last[49] as Packet).id, reverse: true, limit: 50 })
    expect(older.map(x => dec(x.data))[0]).toBe('s9950')
    const first = await page(pb, { limit: 2 })
    expect(first.map(x => dec(x.data))).toEqual(['s1', 's2'])
  }, 90_000)

  it('a store whose index is missing (written before it, or lost) is indexed again from its log when it opens', async () => {
    const net = networkId('hist')
    const first = await levelNode(net, 'old')
    const p = first.t.node.createPipeline({ name: PIPE, persistent: true })
    await seed(p, net, 300, 0)
    const expected = (await page(p, { reverse: true, limit: 10 })).map(x => x.id)
    await first.t.stop()
    // the index's keys (t/, i/, tv) are dropped, as in a store from before the index
    const dropped: Array<{ key: string }> = []
    for await (const { key } of first.store.scan(`/pipes/log/${Buffer.from(PIPE).toString('hex')}/`)) if (/\/(t|i)\/|\/tv$/.test(key)) dropped.push({ key })
    expect(dropped.length).toBe(601)
    await first.store.batch(dropped, { sync: true })
    await first.datastore.close()
    const again = await levelNode(net, 'old', first.dir, first.t.identity)
    const p2 = again.t.node.createPipeline({ name: PIPE, persistent: true })
    expect((await page(p2, { reverse: true, limit: 10 })).map(x => x.id)).toEqual(expected)
  })

  it('bad options are typed errors: a limit out of range, a cursor that is not an id or a time, an id not held', async () => {
    const net = networkId('hist')
    const { t } = await levelNode(net, 'bad')
    const p = t.node.createPipeline({ name: PIPE, persistent: true })
    await p.putPacket(enc('one'))
    await expect(page(p, { limit: 0 })).rejects.toThrow(InvalidPipelineArgumentError)
    await expect(page(p, { limit: 1.5 })).rejects.toThrow(InvalidPipelineArgumentError)
    await expect(page(p, { after: 'not an id' })).rejects.toThrow(InvalidPipelineArgumentError)
    await expect(page(p, { before: Number.NaN })).rejects.toThrow(InvalidPipelineArgumentError)
    await expect(page(p, { after: 'ab'.repeat(32) })).rejects.toThrow(UnknownPacketError)
    await expect(page(p, null as unknown as HistoryOptions)).rejects.toThrow(InvalidPipelineArgumentError)
    expect((await page(p, {})).map(x => dec(x.data))).toEqual(['one'])
  })
})
