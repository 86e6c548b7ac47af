import { bytesToHex } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { Key } from 'interface-datastore'
import { LevelDatastore } from 'datastore-level'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, dec, enc, levelStore, networkId, removeDir, startNode } from './helpers.js'
import type { Packet } from '../src/index.js'
import type { TestNode } from './helpers.js'
import { generateIdentity } from '@pipes/identity'

const PIPELINE = 'log'

/** The datastore key of an author's entry record (the store's layout). */
function entryKey (authorPublicKey: Uint8Array, seq: number): Key {
  const pipelineHex = bytesToHex(new TextEncoder().encode(PIPELINE))
  return new Key(`/pipes/log/${pipelineHex}/e/${bytesToHex(authorPublicKey)}/${seq.toString(16).padStart(16, '0')}`, false)
}

describe('a corrupt record in a LevelDatastore', () => {
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => { for (const fn of cleanup.splice(0).reverse()) await fn() })

  it('is not delivered, other authors go on, and a peer that holds it repairs it', async () => {
    const network = networkId('corrupt')
    const { datastore, dir, close } = await levelStore()
    cleanup.push(async () => { await removeDir(dir) })
    const aIdentity = generateIdentity('a')
    let a: TestNode = await startNode({ network, datastore, identity: aIdentity, syncIntervalMs: 500 })
    const b = await startNode({ network, name: 'b', syncIntervalMs: 500 })
    const c = await startNode({ network, name: 'c', syncIntervalMs: 500 })
    cleanup.push(async () => { await b.stop(); await c.stop() })
    // a carries the pipeline with no listener: nothing is delivered before the restart
    a.node.createPipeline({ name: PIPELINE, persistent: true })
    const pb = b.node.createPipeline({ name: PIPELINE, persistent: true })
    const pc = c.node.createPipeline({ name: PIPELINE, persistent: true })
    await connect(a, b)
    await connect(a, c)
    const sent: Packet[] = []
    for (const t of ['x1', 'x2', 'x3']) sent.push(await pb.putPacket(enc(t)))
    for (const t of ['y1', 'y2']) await pc.putPacket(enc(t))
    await waitFor(() => a.node.stats().stored >= 5, { timeout: 15_000, message: 'a stored all five entries' })
    await a.stop()
    await close()

    // flip one byte of b's second entry inside its signed part, through the datastore API
    const raw = new LevelDatastore(`${dir}/store`)
    await raw.open()
    const key = entryKey(b.identity.publicKey, 2)
    const record = await raw.get(key)
    const flipped = record.slice()
    const at = flipped.length - 70
    flipped[at] = (flipped[at] as number) ^ 0x01
    await raw.put(key, flipped)
    await raw.close()

    const reopened = await levelStore(dir)
    cleanup.push(async () => { await reopened.close() })
    // back offline first: what is on disk alone decides what is delivered
    a = await startNode({ network, datastore: reopened.datastore, identity: aIdentity, syncIntervalMs: 500, online: false })
    cleanup.push(async () => { await a.stop() })
    const pa = a.node.createPipeline({ name: PIPELINE, persistent: true })
    const got: Packet[] = []
    pa.addPacketListener(p => { got.push(p) })
    await waitFor(() => got.filter(p => dec(p.data).startsWith('y')).length === 2 && got.some(p => dec(p.data) === 'x1'),
      { timeout: 15_000, message: 'the other author and the good prefix delivered' })
    await waitFor(() => a.node.stats().corruptRecords >= 1, { timeout: 10_000, message: 'the bad record counted' })
    expect(got.map(p => dec(p.data)).filter(t => t.startsWith('x'))).toEqual(['x1'])

    await a.transport.start()
    await connect(a, b)
    await waitFor(() => got.filter(p => dec(p.data).startsWith('x')).length === 3, { timeout: 20_000, message: 'x2 and x3 fetched again from b' })
    const xs = got.filter(p => dec(p.data).startsWith('x'))
    expect(xs.map(p => dec(p.data))).toEqual(['x1', 'x2', 'x3'])
    expect(xs.map(p => p.id)).toEqual(sent.map(p => p.id))
    expect(got).toHaveLength(5)
  }, 60_000)
})
