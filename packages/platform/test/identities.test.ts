// PlatformAPI identities: adding, refusing a second, sealing the key file.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
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
