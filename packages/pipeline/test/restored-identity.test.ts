import { waitFor } from '@pipes/testkit'
import { bytesToHex } from '@pipes/identity'
import { MemoryDatastore } from 'datastore-core'
import { afterEach, describe, expect, it } from 'vitest'
import { OwnHeadsUnknownError } from '../src/index.js'
import type { Batch, Key } from 'interface-datastore'
import { connect, enc, networkId, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { Packet, Pipeline } from '../src/index.js'

const PIPE = 'log'

/** The seqs of `author`'s packets in a pipeline's history. */
/** Puts `text` again and again (bounded) while the put is refused with OwnHeadsUnknownError; the packet once one goes through. */
async function putOnceHeadsKnown (pipeline: Pipeline, text: string): Promise<Packet> {
  let next: Packet | undefined
  await waitFor(async () => {
    next = await pipeline.putPacket(enc(text)).catch((err: unknown) => {
      if (err instanceof OwnHeadsUnknownError) return undefined
      throw err
    })
    return next !== undefined
  }, { timeout: 10_000 })
  return next as Packet
}

async function seqsOf (pipeline: Pipeline, author: string): Promise<number[]> {
  const out: number[] = []
  for await (const p of pipeline.history()) if (p.sender.id === author) out.push(p.seq)
  return out
}

/**
 * A real in-memory datastore whose batch commits can be held back (and then
 * let through, in order): a test orders "entries stored" against "a put".
 */
class GatedDatastore extends MemoryDatastore {
  /** Keys of every batch held while the gate was shut. */
  readonly held: string[][] = []
  #gate: Promise<void> | undefined
  #release: (() => void) | undefined

  shut (): void { this.#gate = new Promise(resolve => { this.#release = resolve }) }
  open (): void { this.#release?.(); this.#gate = undefined }

  override batch (): Batch {
    const inner = super.batch()
    const keys: string[] = []
    return {
      put: (key: Key, value: Uint8Array) => { keys.push(key.toString()); inner.put(key, value) },
      delete: (key: Key) => { keys.push(key.toString()); inner.delete(key) },
      commit: async () => {
        const gate = this.#gate
        if (gate !== undefined) { this.held.push(keys); await gate }
        await inner.commit()
      }
    }
  }
}

describe('an identity restored onto an empty store', () => {
  const running: TestNode[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
  })

  /**
   * An owner writes one packet to an encrypted room its member reads, then
   * stops (its store is lost): what a restored owner comes back to.
   */
  async function ownerGone (): Promise<{ net: string, a: TestNode, b: TestNode, got: string[], first: Packet }> {
    const net = networkId()
    const a = await startNode({ network: net, name: 'owner' })
    const b = await startNode({ network: net, name: 'member' })
    running.push(a, b)
    await connect(a, b)
    const got: string[] = []
    const pb = b.node.createPipeline({ name: 'room', persistent: true, encrypted: { owner: a.identity.id } })
    pb.addPacketListener((p) => { got.push(new TextDecoder().decode(p.data)) })
    const pa = a.node.createPipeline({ name: 'room', persistent: true, encrypted: { members: [b.identity.public()] } })
    const first = await pa.putPacket(enc('one'))
    await waitFor(() => got.includes('one'), { timeout: 10_000 })
    await a.stop()
    running.splice(running.indexOf(a), 1)
    return { net, a, b, got, first }
  }

  it('refuses to write until a sync told it its own head, then continues at seq 4 with no fork', async () => {
    const net = networkId()
    // the first device writes 3 entries, which reach a peer; then it is gone
    const a = await startNode({ network: net, name: 'a' })
    const b = await startNode({ network: net, name: 'b' })
    running.push(a, b)
    await connect(a, b)
    const pa = a.node.createPipeline({ name: PIPE, persistent: true })
    const pb = b.node.createPipeline({ name: PIPE, persistent: true })
    for (let i = 1; i <= 3; i++) await pa.putPacket(enc(`a-${i}`))
    const author = a.identity.id
    await waitFor(async () => (await seqsOf(pb, author)).length === 3, { timeout: 10_000 })
    await a.stop()
    running.splice(running.indexOf(a), 1)

    // the same key on a new device with an empty store, offline at first
    const datastore = new MemoryDatastore()
    const a2 = await startNode({ network: net, identity: a.identity, datastore, node: { restored: true } })
    running.push(a2)
    const p2 = a2.node.createPipeline({ name: PIPE, persistent: true })
    const early = await p2.putPacket(enc('too early')).then(() => undefined, (err: unknown) => err)
    expect(early).toBeInstanceOf(OwnHeadsUnknownError)
    expect((early as OwnHeadsUnknownError).code).toBe('ERR_OWN_HEADS_UNKNOWN')
    expect(await seqsOf(p2, author)).toEqual([])

    await connect(a2, b)
    // puts work once the sync brought our own 3 entries back
    await waitFor(async () => (await seqsOf(p2, author)).length === 3, { timeout: 10_000 })
    // the session's vector may finish a moment after its entries are stored
    const next = await putOnceHeadsKnown(p2, 'a-4')
    expect(next.seq).toBe(4)
    await waitFor(async () => (await seqsOf(pb, author)).length === 4, { timeout: 10_000 })
    expect(await seqsOf(pb, author)).toEqual([1, 2, 3, 4])
    expect(b.node.stats().forks).toBe(0)
    expect(a2.node.stats().forks).toBe(0)

    // the store now knows this identity's log: a restart writes offline at once
    await a2.stop()
    running.splice(running.indexOf(a2), 1)
    const a3 = await startNode({ network: net, identity: a.identity, datastore, online: false, node: { restored: true } })
    running.push(a3)
    const p3 = a3.node.createPipeline({ name: PIPE, persistent: true })
    expect((await p3.putPacket(enc('a-5'))).seq).toBe(5)
  })

  it('a restored owner of an encrypted pipeline adopts its genesis from a peer instead of writing a second one', async () => {
    const { net, a, b, got, first } = await ownerGone()

    const a2 = await startNode({ network: net, identity: a.identity, datastore: new MemoryDatastore(), node: { restored: true } })
    running.push(a2)
    const p2 = a2.node.createPipeline({ name: 'room', persistent: true, encrypted: { members: [b.identity.public()] } })
    await expect(p2.putPacket(enc('early'))).rejects.toBeInstanceOf(OwnHeadsUnknownError)
    await connect(a2, b)
    const next = await putOnceHeadsKnown(p2, 'two')
    expect(next.seq).toBe(first.seq + 1)
    await waitFor(() => got.includes('two'), { timeout: 10_000 })
    expect(b.node.stats().forks).toBe(0)
    expect(a2.node.stats().forks).toBe(0)
  })

  it('a restored owner\'s first put, made while its own entries (the genesis) are being stored, waits for the genesis key', async () => {
    const { net, a, b, got, first } = await ownerGone()

    const datastore = new GatedDatastore()
    const a2 = await startNode({ network: net, identity: a.identity, datastore, node: { restored: true } })
    running.push(a2)
    const p2 = a2.node.createPipeline({ name: 'room', persistent: true, encrypted: { members: [b.identity.public()] } })
    await expect(p2.putPacket(enc('early'))).rejects.toBeInstanceOf(OwnHeadsUnknownError)
    // hold the commit of our own entries as they come back: the vector (sent before
    // any batch) named our head, and the log holds it, so puts are let through now
    datastore.shut()
    await connect(a2, b)
    const ownHead = `/h/${bytesToHex(a.identity.publicKey)}`
    await waitFor(() => datastore.held.some(keys => keys.some(k => k.includes(ownHead))), { timeout: 10_000 })
    const put = p2.putPacket(enc('two'))
    // the entries land; the genesis is taken in a moment later (its names are verified off-thread)
    datastore.open()
    const next = await put
    expect(next.seq).toBe(first.seq + 1)
    await waitFor(() => got.includes('two'), { timeout: 10_000 })
    expect(b.node.stats().forks).toBe(0)
    expect(a2.node.stats().forks).toBe(0)
  })

  it('a restored owner whose peer holds none of its entries writes the genesis on its first put', async () => {
    const net = networkId()
    const owner = await startNode({ network: net, name: 'owner', online: false })
    const identity = owner.identity
    await owner.stop()
    // the member carries the pipeline but never got anything of the owner's
    const b = await startNode({ network: net, name: 'member' })
    running.push(b)
    const got: string[] = []
    const pb = b.node.createPipeline({ name: 'room', persistent: true, encrypted: { owner: identity.id } })
    pb.addPacketListener((p) => { got.push(new TextDecoder().decode(p.data)) })
    const a2 = await startNode({ network: net, identity, datastore: new MemoryDatastore(), node: { restored: true } })
    running.push(a2)
    const p2 = a2.node.createPipeline({ name: 'room', persistent: true, encrypted: { members: [b.identity.public()] } })
    await expect(p2.putPacket(enc('early'))).rejects.toBeInstanceOf(OwnHeadsUnknownError)
    await connect(a2, b)
    // the peer's vector names no entry of ours: no entry lands here, yet the first put must find a key
    const next = await putOnceHeadsKnown(p2, 'first')
    expect(next.seq).toBe(2)
    await waitFor(() => got.includes('first'), { timeout: 10_000 })
  })

  it('a node that is not restored (the default) writes offline from seq 1', async () => {
    const a = await startNode({ network: networkId(), name: 'fresh', online: false })
    running.push(a)
    const p = a.node.createPipeline({ name: PIPE, persistent: true })
    expect((await p.putPacket(enc('first'))).seq).toBe(1)
  })
})
