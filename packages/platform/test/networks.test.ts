// PlatformAPI networks: the built-in one, adding, listing, removing, bad configs, a corrupt networks.json.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCAL_NETWORK_ID } from '../src/index.js'
import { Scratch } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

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
