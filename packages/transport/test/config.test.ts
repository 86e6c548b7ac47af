import { generateIdentity } from '@pipes/identity'
import { PipesError } from '@pipes/interface'
import { afterEach, describe, expect, it } from 'vitest'
import { createTransport, generatePsk, InvalidNetworkConfigError, libp2pOf, protocolFor, topicFor } from '../src/index.js'
import type { Transport } from '../src/index.js'

const started: Transport[] = []
afterEach(async () => { await Promise.all(started.splice(0).map(async t => { await t.stop() })) })

async function configError (network: unknown): Promise<InvalidNetworkConfigError> {
  try {
    started.push(await createTransport({ identity: generateIdentity('cfg'), network: network as never }))
  } catch (err) {
    return err as InvalidNetworkConfigError
  }
  throw new Error('expected createTransport to throw')
}

describe('bad network config throws a typed error naming the field', () => {
  const cases: Array<[string, unknown, string]> = [
    ['unknown transport in listen', { id: 'n', listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1'] }, 'listen[1]'],
    ['malformed multiaddr in listen', { id: 'n', listen: ['/ip4/999.1.1.1/tcp/x'] }, 'listen[0]'],
    ['malformed multiaddr in bootstrap', { id: 'n', bootstrap: ['not a multiaddr'] }, 'bootstrap[0]'],
    ['bootstrap without a peer id', { id: 'n', bootstrap: ['/ip4/127.0.0.1/tcp/4001'] }, 'bootstrap[0]'],
    ['empty id', { id: '', listen: [] }, 'id'],
    ['missing id', { listen: [] }, 'id'],
    ['id with a slash', { id: 'a/b' }, 'id'],
    ['non-array bootstrap', { id: 'n', bootstrap: '/ip4/127.0.0.1/tcp/1' }, 'bootstrap'],
    ['non-array listen', { id: 'n', listen: '/ip4/127.0.0.1/tcp/0' }, 'listen'],
    ['bad psk', { id: 'n', psk: 'secret' }, 'psk'],
    ['non-boolean mdns', { id: 'n', mdns: 'yes' }, 'mdns'],
    ['non-boolean relay', { id: 'n', relay: 1 }, 'relay'],
    ['not an object', 'net', 'network']
  ]
  for (const [name, network, field] of cases) {
    it(name, async () => {
      const err = await configError(network)
      expect(err).toBeInstanceOf(InvalidNetworkConfigError)
      expect(err).toBeInstanceOf(PipesError)
      expect(err.code).toBe('ERR_INVALID_NETWORK_CONFIG')
      expect(err.field).toBe(field)
      expect(err.message).toContain(field)
    })
  }
})

it('runs as the identity: the libp2p peer id is identity.id', async () => {
  const identity = generateIdentity('me')
  const t = await createTransport({ identity, network: { id: 'who', listen: ['/memory/who-me'] }, start: false })
  started.push(t)
  expect(t.started).toBe(false)
  expect(t.peerId).toBe(identity.id)
  expect(libp2pOf(t).peerId.toString()).toBe(identity.id)
  await t.start()
  expect(t.addresses()).toEqual([`/memory/who-me/p2p/${identity.id}`])
})

it('refuses an identity whose id does not match its key', async () => {
  const identity = generateIdentity('me')
  const other = generateIdentity('other')
  const forged = { id: other.id, publicKey: identity.publicKey, secretKey: identity.secretKey }
  await expect(createTransport({ identity: forged, network: { id: 'x' } })).rejects.toMatchObject({ code: 'ERR_UNUSABLE_IDENTITY' })
})

it('names topics and protocols by network; generatePsk makes distinct valid keys', async () => {
  expect(topicFor('home', 'chat')).toBe('/pipes/home/chat')
  expect(protocolFor('home', 'sync', '1.0.0')).toBe('/pipes/home/sync/1.0.0')
  const a = generatePsk()
  expect(a).toMatch(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/)
  expect(generatePsk()).not.toBe(a)
  const t = await createTransport({ identity: generateIdentity('p'), network: { id: 'psk-ok', psk: a }, start: false })
  started.push(t)
  expect(t.network).toEqual({ id: 'psk-ok', psk: a, bootstrap: [], listen: [], mdns: false, relay: false })
})
