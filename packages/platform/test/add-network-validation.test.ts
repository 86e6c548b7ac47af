import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generatePsk, InvalidNetworkConfigError as TransportConfigError } from '@pipes/transport'
import { afterEach, describe, expect, it } from 'vitest'
import { InvalidNetworkConfigError } from '../src/index.js'
import { Scratch } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

// addNetwork is the first place a config enters: it must apply the same rules
// nodeWithIdentity (the transport) would, so nothing unusable is ever saved.
describe('addNetwork validates with the transport\'s rules', () => {
  const bad: Array<[string, object, string]> = [
    ['a psk that is not a libp2p key', { id: 'team', psk: 'x' }, 'psk'],
    ['a listen address of an unknown transport', { id: 'team', listen: ['/ip4/127.0.0.1/udp/0/quic-v1'] }, 'listen[0]'],
    ['a bootstrap address without a peer id', { id: 'team', bootstrap: ['/ip4/127.0.0.1/tcp/4001'] }, 'bootstrap[0]'],
    ['an id that is a parent directory', { id: '..' }, 'id']
  ]
  for (const [name, config, field] of bad) {
    it(`refuses ${name} and saves nothing`, async () => {
      const dir = await scratch.dir()
      const api = scratch.api(dir)
      const err = await api.addNetwork(config as never).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(InvalidNetworkConfigError)
      expect(err).toMatchObject({ code: 'ERR_INVALID_NETWORK_CONFIG', field })
      expect((await api.networks()).map(n => n.id)).toEqual(['local'])
      await expect(readFile(join(dir, 'networks.json'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' })
    })
  }

  it('has one error class: the platform exports the transport\'s', () => {
    expect(InvalidNetworkConfigError).toBe(TransportConfigError)
  })

  it('keeps a valid private network as given', async () => {
    const api = scratch.api(await scratch.dir())
    const psk = generatePsk()
    const network = await api.addNetwork({ id: 'team', psk, listen: ['/ip4/127.0.0.1/tcp/0'] })
    expect(network.config).toEqual({ id: 'team', psk, listen: ['/ip4/127.0.0.1/tcp/0'] })
  })
})
