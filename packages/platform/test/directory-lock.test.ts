// PlatformAPI and its directory lock: one API per apiPath, takeover after a kill, release on close.
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { PlatformAPI } from '../src/index.js'
import { Scratch } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

describe('PlatformAPI directory lock', () => {
  it('refuses a second PlatformAPI on the same directory until the first closes', async () => {
    const dir = await scratch.dir()
    const first = await PlatformAPI.open(dir)
    await first.addIdentity('alice')
    const second = scratch.api(dir)
    const err = await second.hasLocalIdentity().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_API_PATH_LOCKED', pid: process.pid })
    expect((err as Error).message).toContain(dir)
    await first.close()
    expect(await second.hasLocalIdentity()).toBe(true)
    expect((await second.localIdentity()).name).toBe('alice')
  })

  it('takes over the lock of a process that was killed (SIGKILL), keeping its data', async () => {
    const dir = await scratch.dir()
    const fixture = fileURLToPath(new URL('./fixtures/hold-lock.mjs', import.meta.url))
    const child = spawn(process.execPath, [fixture, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error('child did not take the lock in time')) }, 20_000)
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          if (out.includes('locked')) { clearTimeout(timer); resolve() }
        })
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`child exited early with ${code}`)) })
      })
      await expect(scratch.api(dir).hasLocalIdentity()).rejects.toMatchObject({ code: 'ERR_API_PATH_LOCKED', pid: child.pid })
    } finally {
      const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
      child.kill('SIGKILL')
      await exited
    }
    const api = scratch.api(dir)
    expect(await api.hasLocalIdentity()).toBe(true)
    expect((await api.localIdentity()).name).toBe('child')
    const lock = JSON.parse(await readFile(join(dir, 'LOCK'), 'utf8')) as { pid: number }
    expect(lock.pid).toBe(process.pid)
  })

  it('close() releases the lock; a closed API refuses further use', async () => {
    const dir = await scratch.dir()
    const api = await PlatformAPI.open(dir)
    await api.close()
    await api.close()
    await expect(readFile(join(dir, 'LOCK'))).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(api.hasLocalIdentity()).rejects.toMatchObject({ code: 'ERR_CLOSED' })
  })
})
