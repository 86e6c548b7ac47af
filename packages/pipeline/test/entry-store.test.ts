import { MemoryDatastore } from 'datastore-core'
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '@pipes/identity'
import { prepareEntry } from '../src/entry-builder.js'
import { attachSignature, decodeWire, signingBytes } from '../src/entry-codec.js'
import { EntryStore } from '../src/entry-store.js'
import { GroupCommitter } from '../src/group-commit.js'
import { durableStoreOf as kvOf } from '../src/kv.js'
import { levelStore, removeDir } from './helpers.js'
import type { StoredEntry } from '../src/entry-store.js'
import type { Datastore } from 'interface-datastore'

const writer = generateIdentity('writer')
const author = writer.publicKey
const ids: string[] = []
/** A real entry of `writer` (reads check the id against the wire), payload `entry-<seq>`. */
const entry = (seq: number): StoredEntry => {
  const prepared = prepareEntry(writer, { network: 'n', pipeline: 'a/b c', seq, prev: new Uint8Array(0), time: { time: 1000 + seq, counter: 0 }, flags: 1, keyEpoch: 0, payload: new TextEncoder().encode(`entry-${seq}`) })
  ids[seq] = prepared.idHex
  return { seq, id: prepared.id, wire: attachSignature(prepared.unsigned, writer.signSync(signingBytes(prepared.unsigned))), checked: seq % 2 === 0 }
}

describe('entry store', () => {
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => { for (const fn of cleanup.splice(0)) await fn() })

  async function roundTrip (open: () => Promise<Datastore>): Promise<void> {
    const ds = await open()
    const kv = kvOf(ds)
    const store = new EntryStore(kv, new GroupCommitter(kv), 'a/b c')
    await store.open()
    const state = store.ensure(author)
    await store.append(state, [entry(1), entry(2)])
    await store.append(state, [entry(3)])
    await expect(store.append(state, [entry(5)])).rejects.toMatchObject({ code: 'ERR_STORE_FAILED' })
    await store.markDelivered(state, 2)
    expect(state).toMatchObject({ seq: 3, durableSeq: 3, delivered: 2 })
    expect(await store.idAt(state, 2)).toBe(ids[2])

    const again = new EntryStore(kv, new GroupCommitter(kv), 'a/b c')
    await again.open()
    const reloaded = again.get(state.authorHex)
    expect(reloaded).toMatchObject({ seq: 3, durableSeq: 3, delivered: 2 })
    const read = await again.read(reloaded as NonNullable<typeof reloaded>, 1, 10)
    expect(read.map(e => e.seq)).toEqual([1, 2, 3])
    expect(read.map(e => e.checked)).toEqual([false, true, false])
    expect(new TextDecoder().decode(decodeWire(read[2]?.wire as Uint8Array)?.entry.payload)).toBe('entry-3')
    // another pipeline's log is separate
    const other = new EntryStore(kv, new GroupCommitter(kv), 'other')
    await other.open()
    expect([...other.authors()]).toHaveLength(0)
  }

  it('appends, reads and reopens (MemoryDatastore)', async () => {
    const ds = new MemoryDatastore()
    await roundTrip(async () => ds)
  })

  it('appends, reads and reopens (LevelDB)', async () => {
    const { datastore, dir, close } = await levelStore()
    cleanup.push(async () => { await close(); await removeDir(dir) })
    await roundTrip(async () => datastore)
  })
})
