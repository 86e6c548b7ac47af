import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiPathLockedError } from '../src/errors.js'
import { acquireLock, isProcessAlive } from '../src/lock.js'

let dir: string
let lockPath: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pipes-lock-'))
  lockPath = join(dir, 'LOCK')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The pid of a process that has exited (so is not alive). */
async function deadPid (): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  const pid = child.pid as number
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('child did not exit')) }, 10_000)
    child.once('exit', () => { clearTimeout(timer); resolve() })
  })
  return pid
}

describe('directory lock', () => {
  it('refuses a second holder with ERR_API_PATH_LOCKED naming the pid and what to do', async () => {
    const lock = await acquireLock(dir, lockPath)
    const err = await acquireLock(dir, lockPath).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiPathLockedError)
    expect((err as ApiPathLockedError).code).toBe('ERR_API_PATH_LOCKED')
    expect((err as ApiPathLockedError).pid).toBe(process.pid)
    expect((err as Error).message).toContain(String(process.pid))
    expect((err as Error).message).toContain('api.close()')
    await lock.release()
  })

  it('can be taken again after release, and release is idempotent', async () => {
    const first = await acquireLock(dir, lockPath)
    await first.release()
    await first.release()
    const second = await acquireLock(dir, lockPath)
    const record = JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number }
    expect(record.pid).toBe(process.pid)
    await second.release()
    await expect(readFile(lockPath)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('takes over a lock whose pid is no longer alive', async () => {
    const pid = await deadPid()
    expect(isProcessAlive(pid)).toBe(false)
    await writeFile(lockPath, JSON.stringify({ pid, host: hostname(), since: 'earlier', token: 'dead' }))
    const lock = await acquireLock(dir, lockPath)
    const record = JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number, token: string }
    expect(record.pid).toBe(process.pid)
    expect(record.token).not.toBe('dead')
    await lock.release()
  })

  it('takes over an empty lock file left by a crash between create and write', async () => {
    await writeFile(lockPath, '')
    const lock = await acquireLock(dir, lockPath)
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ pid: process.pid })
    await lock.release()
  })

  it('does not take over a lock recorded by another host (its pid cannot be checked)', async () => {
    await writeFile(lockPath, JSON.stringify({ pid: 1, host: `not-${hostname()}`, since: 'earlier', token: 't' }))
    await expect(acquireLock(dir, lockPath)).rejects.toMatchObject({ code: 'ERR_API_PATH_LOCKED', host: `not-${hostname()}` })
  })

  it('release leaves a lock that is no longer ours in place', async () => {
    const lock = await acquireLock(dir, lockPath)
    const other = JSON.stringify({ pid: process.pid, host: hostname(), since: 'now', token: 'someone-else' })
    await writeFile(lockPath, other)
    await lock.release()
    expect(await readFile(lockPath, 'utf8')).toBe(other)
  })

  it('lets exactly one of many simultaneous acquirers win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 12 }, async () => acquireLock(dir, lockPath)))
    const won = results.filter(r => r.status === 'fulfilled')
    expect(won).toHaveLength(1)
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as ApiPathLockedError).code).toBe('ERR_API_PATH_LOCKED')
    }
    await (won[0] as PromiseFulfilledResult<{ release: () => Promise<void> }>).value.release()
  })
})
