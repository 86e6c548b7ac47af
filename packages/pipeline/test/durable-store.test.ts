import { generateIdentity } from '@pipes/identity'
import { createTransport } from '@pipes/transport'
import { TEST_TRANSPORT_OPTIONS } from '@pipes/testkit'
import { MountDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { afterEach, describe, expect, it } from 'vitest'
import { createPipesNode, datastoreDurableStore, durableStoreOf, levelDurableStore } from '../src/index.js'
import { dec, enc, levelStore, networkId, removeDir } from './helpers.js'
import type { DurableStore, KvOp, PipesNode } from '../src/index.js'
import type { LocalIdentity } from '@pipes/identity'
import type { Transport } from '@pipes/transport'

/** An app's own store (what an IndexedDB one would be), over a sorted map; records the sync flag of every batch. */
class MapStore implements DurableStore {
  readonly durable = true
  readonly data = new Map<string, Uint8Array>()
  readonly syncFlags: boolean[] = []
  async batch (ops: KvOp[], options: { sync: boolean }): Promise<void> {
    this.syncFlags.push(options.sync)
    for (const op of ops) {
      if (op.value === undefined) this.data.delete(op.key)
      else this.data.set(op.key, op.value.slice())
    }
  }

  async getMany (keys: string[]): Promise<Array<Uint8Array | undefined>> {
    return keys.map(k => this.data.get(k))
  }

  async * scan (prefix: string): AsyncIterable<{ key: string, value: Uint8Array }> {
    const keys = [...this.data.keys()].filter(k => k.startsWith(prefix)).sort()
    for (const key of keys) yield { key, value: this.data.get(key) as Uint8Array }
  }
}

describe('the storage seam (DurableStore)', () => {
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => { for (const fn of cleanup.splice(0).reverse()) await fn() })

  async function nodeOn (store: DurableStore, identity: LocalIdentity): Promise<{ node: PipesNode, transport: Transport }> {
    const transport = await createTransport({ identity, network: { id: networkId('seam'), listen: [] }, options: TEST_TRANSPORT_OPTIONS, start: false })
    const node = createPipesNode({ identity, transport, store })
    cleanup.push(async () => { await node.stop(); await transport.stop() })
    return { node, transport }
  }

  it('a node runs on an app-supplied store, writes it with sync and reads it back after a restart', async () => {
    const store = new MapStore()
    const identity = generateIdentity('seam')
    const first = await nodeOn(store, identity)
    const p = first.node.createPipeline({ name: 'notes', persistent: true })
    await p.putPacket(enc('one'))
    await p.putPacket(enc('two'))
    expect(store.syncFlags.length).toBeGreaterThan(0)
    expect(store.syncFlags.every(f => f)).toBe(true)
    await first.node.stop()

    const again = await nodeOn(store, identity)
    const seen: string[] = []
    for await (const packet of again.node.createPipeline({ name: 'notes', persistent: true }).history()) seen.push(dec(packet.data))
    expect(seen).toEqual(['one', 'two'])
  })

  it('a wrapped LevelDatastore is refused by levelDurableStore and reported as not durable, not silently unsynced', async () => {
    const { datastore, dir, close } = await levelStore()
    cleanup.push(async () => { await close(); await removeDir(dir) })
    const wrapped = new MountDatastore([{ prefix: new Key('/'), datastore }])
    expect(() => levelDurableStore(wrapped)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
    expect(durableStoreOf(wrapped).durable).toBe(false)
    expect(levelDurableStore(datastore).durable).toBe(true)
    expect(datastoreDurableStore(datastore).durable).toBe(false)

    const { node } = await nodeOn(levelDurableStore(datastore), generateIdentity('level'))
    const packet = await node.createPipeline({ name: 'notes', persistent: true }).putPacket(enc('kept'))
    expect(packet.seq).toBe(1)
  })

  it('createPipesNode wants exactly one of datastore and store', async () => {
    const identity = generateIdentity('both')
    const transport = await createTransport({ identity, network: { id: networkId('seam'), listen: [] }, options: TEST_TRANSPORT_OPTIONS, start: false })
    cleanup.push(async () => { await transport.stop() })
    expect(() => createPipesNode({ identity, transport } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
  })
})
