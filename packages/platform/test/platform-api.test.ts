import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCAL_NETWORK_ID, PlatformAPI } from '../src/index.js'
import { Scratch } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

describe('PlatformAPI identities', () => {
  it('has no identity at first, then keeps the one added, also after a restart', async () => {
    const dir = await scratch.dir()
    const api = scratch.api(dir)
    expect(await api.hasLocalIdentity()).toBe(false)
    await expect(api.localIdentity()).rejects.toMatchObject({ code: 'ERR_NO_LOCAL_IDENTITY' })
    const alice = await api.addIdentity('alice')
    expect(alice.name).toBe('alice')
    expect(alice.id).toMatch(/^12D3Koo/)
    expect(await api.hasLocalIdentity()).toBe(true)
    expect((await api.localIdentity()).id).toBe(alice.id)
    await api.close()

    const again = scratch.api(dir)
    expect(await again.hasLocalIdentity()).toBe(true)
    const loaded = await again.localIdentity()
    expect(loaded.id).toBe(alice.id)
    expect(loaded.name).toBe('alice')
    expect(await readFile(join(dir, 'identity.key'), 'utf8')).not.toHaveLength(0)
  })

  it('refuses a second local identity, saying which one exists, also after a restart', async () => {
    const dir = await scratch.dir()
    const api = scratch.api(dir)
    const alice = await api.addIdentity('alice')
    const err = await api.addIdentity('bob').catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_IDENTITY_EXISTS', name: 'IdentityExistsError' })
    expect((err as Error).message).toContain('alice')
    expect((err as Error).message).toContain(alice.id)
    await api.close()
    await expect(scratch.api(dir).addIdentity('bob')).rejects.toMatchObject({ code: 'ERR_IDENTITY_EXISTS' })
  })

  it.each([
    ['', 'empty'],
    [' alice', 'whitespace'],
    ['alice\n', 'control'],
    ['a'.repeat(65), '64'],
    ['é'.repeat(33), '64'],
    [42, 'string']
  ])('refuses the bad name %j (%s) without touching disk', async (name, why) => {
    const dir = await scratch.dir()
    const api = scratch.api(dir)
    const err = await api.addIdentity(name as string).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_INVALID_IDENTITY_NAME' })
    expect((err as Error).message).toContain(why)
    expect(await api.hasLocalIdentity()).toBe(false)
  })

  it('seals the key file with a passphrase and needs it to load again', async () => {
    const dir = await scratch.dir()
    const api = scratch.api(dir)
    const made = await api.addIdentity('sealed', { passphrase: 'correct horse' })
    await api.close()
    const without = scratch.api(dir)
    expect(await without.hasLocalIdentity()).toBe(true)
    await expect(without.localIdentity()).rejects.toHaveProperty('code', 'ERR_PASSPHRASE_REQUIRED')
    await expect(without.localIdentity({ passphrase: 'wrong' })).rejects.toHaveProperty('code', 'ERR_WRONG_PASSPHRASE')
    await without.close()
    const loaded = await scratch.api(dir, { passphrase: 'correct horse' }).localIdentity()
    expect(loaded.id).toBe(made.id)
  })
})

describe('PlatformAPI networks', () => {
  it('knows the built-in loopback network without set-up', async () => {
    const api = scratch.api(await scratch.dir())
    const local = await api.networkWithId(LOCAL_NETWORK_ID)
    expect(local.config).toMatchObject({ id: 'local', listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
    expect((await api.networks()).map(n => n.id)).toEqual(['local'])
  })

  it('adds, lists and removes networks, and finds them after a restart', async () => {
    const dir = await scratch.dir()
    const api = scratch.api(dir)
    await api.addNetwork({ id: 'team', listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })
    await api.addNetwork({ id: 'other', listen: ['/ip4/127.0.0.1/tcp/0/ws'], mdns: false })
    expect((await api.networks()).map(n => n.id)).toEqual(['local', 'team', 'other'])
    await api.close()

    const again = scratch.api(dir)
    expect((await again.networkWithId('team')).config.listen).toEqual(['/ip4/127.0.0.1/tcp/0'])
    await again.removeNetwork('other')
    await again.close()
    const third = scratch.api(dir)
    expect((await third.networks()).map(n => n.id)).toEqual(['local', 'team'])
    const saved = JSON.parse(await readFile(join(dir, 'networks.json'), 'utf8')) as { networks: Array<{ id: string }> }
    expect(saved.networks.map(n => n.id)).toEqual(['team'])
  })

  it('throws ERR_UNKNOWN_NETWORK listing the known ids', async () => {
    const api = scratch.api(await scratch.dir())
    await api.addNetwork({ id: 'team' })
    const err = await api.networkWithId('nope').catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ERR_UNKNOWN_NETWORK', known: ['local', 'team'] })
    expect((err as Error).message).toContain('"local", "team"')
    await expect(api.removeNetwork('nope')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_NETWORK' })
  })

  it('refuses a taken id, the built-in id and bad configs', async () => {
    const api = scratch.api(await scratch.dir())
    await api.addNetwork({ id: 'team' })
    await expect(api.addNetwork({ id: 'team' })).rejects.toMatchObject({ code: 'ERR_NETWORK_EXISTS' })
    await expect(api.addNetwork({ id: 'local' })).rejects.toMatchObject({ code: 'ERR_NETWORK_EXISTS' })
    await expect(api.removeNetwork('local')).rejects.toMatchObject({ code: 'ERR_NETWORK_EXISTS' })
    for (const bad of [null, {}, { id: '../escape' }, { id: 'x', listen: 'not-a-list' }, { id: 'x', mdns: 'yes' }, { id: 'x', psk: 3 }]) {
      await expect(api.addNetwork(bad as never)).rejects.toMatchObject({ code: 'ERR_INVALID_NETWORK_CONFIG' })
    }
    expect((await api.networks()).map(n => n.id)).toEqual(['local', 'team'])
  })

  it('reports a networks.json it cannot read with ERR_CORRUPT_CONFIG and does not overwrite it', async () => {
    const dir = await scratch.dir()
    await writeFile(join(dir, 'networks.json'), '{ not json')
    const api = scratch.api(dir)
    await expect(api.networks()).rejects.toMatchObject({ code: 'ERR_CORRUPT_CONFIG' })
    expect(await readFile(join(dir, 'networks.json'), 'utf8')).toBe('{ not json')
  })
})

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
