import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { afterEach, describe, expect, it } from 'vitest'
import { GroupCommitter } from '../src/group-commit.js'
import { durableStoreOf as kvOf } from '../src/kv.js'
import { levelStore, removeDir } from './helpers.js'

describe('group commit', () => {
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => { for (const fn of cleanup.splice(0)) await fn() })

  it('one batch commits many concurrent writes (LevelDB, synced)', async () => {
    const { datastore, dir, close } = await levelStore()
    cleanup.push(async () => { await close(); await removeDir(dir) })
    const kv = kvOf(datastore)
    expect(kv.durable).toBe(true)
    const committer = new GroupCommitter(kv)
    await Promise.all(Array.from({ length: 500 }, async (_, i) => { await committer.write([{ key: `/t/${String(i).padStart(4, '0')}`, value: new Uint8Array([i % 256]) }]) }))
    expect(committer.stats.ops).toBe(500)
    expect(committer.stats.commits).toBeLessThan(50)
    // what the committer wrote is what the Datastore API reads
    expect(Array.from(await datastore.get(new Key('/t/0042')))).toEqual([42])
  })

  it('a MemoryDatastore goes through its Datastore batch', async () => {
    const ds = new MemoryDatastore()
    const kv = kvOf(ds)
    expect(kv.durable).toBe(false)
    const committer = new GroupCommitter(kv)
    await committer.write([{ key: '/x/1', value: new Uint8Array([1]) }, { key: '/x/2', value: new Uint8Array([2]) }])
    await committer.write([{ key: '/x/1' }])
    expect(await kv.getMany(['/x/1', '/x/2'])).toEqual([undefined, new Uint8Array([2])])
  })
})
