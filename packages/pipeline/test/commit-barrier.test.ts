import { withTimeout } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { GroupCommitter } from '../src/group-commit.js'
import { durableStoreOf as kvOf } from '../src/kv.js'
import { levelStore, removeDir } from './helpers.js'

describe('group commit: flush is a barrier, writers are held back', () => {
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => { for (const fn of cleanup.splice(0)) await fn() })

  async function committer (limits = {}): Promise<GroupCommitter> {
    const { datastore, dir, close } = await levelStore()
    cleanup.push(async () => { await close(); await removeDir(dir) })
    return new GroupCommitter(kvOf(datastore), limits)
  }

  it('flush() resolves under steady writes once what was queued before it is written', async () => {
    const c = await committer()
    let stop = false
    let written = 0
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        await c.write([{ key: `/steady/${w}/${i}`, value: new Uint8Array(16) }])
        written++
      }
    }
    const writers = Array.from({ length: 8 }, async (_, w) => { await writer(w) })
    try {
      while (written < 50) await c.write([{ key: '/warm', value: new Uint8Array(1) }])
      const marker = c.write([{ key: '/marker', value: new Uint8Array([1]) }])
      let markerDone = false
      void marker.then(() => { markerDone = true })
      await withTimeout(c.flush(), 10_000, 'flush under steady writes')
      expect(markerDone).toBe(true)
      // writes went on after the flush started
      const at = written
      await withTimeout((async () => { while (written < at + 10) await c.write([{ key: '/more', value: new Uint8Array(1) }]) })(), 10_000, 'writes go on')
    } finally {
      stop = true
      await Promise.all(writers)
    }
  }, 30_000)

  it('room() holds a bulk writer back so the queue stays within its byte bound', async () => {
    const maxQueuedBytes = 256 * 1024
    const c = await committer({ maxQueuedBytes })
    const value = new Uint8Array(16 * 1024)
    let peak = 0
    const pending: Array<Promise<void>> = []
    // 16 MiB offered as fast as room() allows, without awaiting any write
    for (let i = 0; i < 1024; i++) {
      await c.room()
      pending.push(c.write([{ key: `/bulk/${String(i).padStart(5, '0')}`, value }]))
      peak = Math.max(peak, c.queued.bytes)
    }
    await Promise.all(pending)
    expect(peak).toBeLessThanOrEqual(maxQueuedBytes + value.length + 64)
    expect(c.queued).toEqual({ ops: 0, bytes: 0 })
    expect(c.stats.ops).toBe(1024)
  }, 30_000)
})
