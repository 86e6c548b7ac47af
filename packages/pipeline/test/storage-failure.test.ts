import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from '@pipes/testkit'
import { LevelDatastore } from 'datastore-level'
import { afterEach, describe, expect, it } from 'vitest'
import { StorageError } from '../src/index.js'
import { connect, dec, enc, networkId, startNode } from './helpers.js'
import type { Packet } from '../src/index.js'
import type { TestNode } from './helpers.js'

/** A packet big enough to need fresh pages of the file system (a small one fits the log's last page). */
const big = (text: string): Uint8Array => enc(`${text}:${'x'.repeat(32 * 1024)}`)
const label = (p: Packet): string => dec(p.data).split(':')[0] as string

const isRoot = process.getuid?.() === 0
if (!isRoot) console.warn('storage-failure.test.ts: skipped, it mounts a 2 MiB tmpfs to fill a real disk and needs root')

/** Writes a filler file until the file system is full (ENOSPC); the partial file stays. */
async function fill (path: string): Promise<void> {
  try {
    await writeFile(path, new Uint8Array(8 * 1024 * 1024))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
    return
  }
  throw new Error('the tmpfs did not fill up')
}

describe.skipIf(!isRoot)('a full disk under a LevelDatastore (2 MiB tmpfs)', () => {
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => { for (const fn of cleanup.splice(0).reverse()) await fn() })

  it('putPacket rejects with StorageError, gossip is not taken as held, and puts and resends land once space is freed', async () => {
    const mnt = await mkdtemp(join(tmpdir(), 'pipes-full-'))
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt])
    cleanup.push(async () => { execFileSync('umount', [mnt]); await rm(mnt, { recursive: true, force: true }) })
    const datastore = new LevelDatastore(join(mnt, 'store'))
    await datastore.open()
    cleanup.push(async () => { await datastore.close() })

    const network = networkId('full')
    const a = await startNode({ network, datastore, name: 'a', syncIntervalMs: 500 })
    cleanup.push(async () => { await a.stop() })
    const b: TestNode = await startNode({ network, name: 'b', syncIntervalMs: 500 })
    cleanup.push(async () => { await b.stop() })
    const pa = a.node.createPipeline({ name: 'room', persistent: true })
    const pb = b.node.createPipeline({ name: 'room', persistent: true })
    const atA: Packet[] = []
    const atB: Packet[] = []
    pa.addPacketListener(p => { atA.push(p) })
    pb.addPacketListener(p => { atB.push(p) })
    const errors: unknown[] = []
    a.node.addEventListener('storage-error', (e) => { errors.push(e.detail.error) })
    await connect(a, b)

    await pa.putPacket(enc('a1'))
    await pb.putPacket(enc('b1'))
    await waitFor(() => atA.some(p => label(p) === 'b1') && atB.some(p => label(p) === 'a1'), { timeout: 15_000, message: 'first packets exchanged' })

    const filler = join(mnt, 'filler')
    await fill(filler)
    const failed = await pa.putPacket(big('lost')).then(() => undefined, (err: unknown) => err)
    expect(failed).toBeInstanceOf(StorageError)
    expect(failed).toMatchObject({ code: 'ERR_STORAGE' })
    expect(errors.length).toBeGreaterThan(0)
    expect(a.node.stats().storageErrors).toBeGreaterThan(0)

    // b's next entry reaches a while the disk is full: not stored, so not delivered
    const before = a.node.stats().storageErrors
    await pb.putPacket(big('b2'))
    await waitFor(() => a.node.stats().storageErrors > before, { timeout: 15_000, message: 'a tried to store b2 and failed' })
    expect(atA.some(p => label(p) === 'b2')).toBe(false)

    await rm(filler)
    // the log was rolled back: the next put takes the seq the failed one had
    const after = await pa.putPacket(big('a2'))
    expect(after.seq).toBe(2)
    // b's resend (sync) lands on a, and a's new entry reaches b
    await waitFor(() => atA.some(p => label(p) === 'b2'), { timeout: 20_000, message: 'b2 resent and stored at a' })
    await waitFor(() => atB.some(p => label(p) === 'a2'), { timeout: 20_000, message: 'a2 reached b' })
    expect(atB.map(label).filter(t => t.startsWith('a'))).toEqual(['a1', 'a2'])
    expect(atA.map(label).filter(t => t.startsWith('b'))).toEqual(['b1', 'b2'])
  }, 60_000)
})
