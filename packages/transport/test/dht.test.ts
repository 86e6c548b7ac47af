import { afterEach, expect, it } from 'vitest'
import { libp2pOf, PeerNotFoundError } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { Nodes, uniqueNetwork } from './helpers.js'
import { generateIdentity } from '@pipes/identity'

const nodes = new Nodes()
afterEach(async () => { await nodes.stopAll() })

it('finds a peer it was never connected to through the DHT, and dials it', async () => {
  const id = uniqueNetwork('dht')
  // no automatic dialing of discovered peers, no periodic self-query: only the lookup under test connects A to C
  const quiet = { minConnections: 0, dhtQuerySelfIntervalMs: 3_600_000 }
  const boot = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'] }, quiet, 'boot')
  const a = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: boot.addresses() }, { ...quiet, dhtInitialQuerySelfMs: 100 }, 'a')
  const selfQueryDone = new Promise<void>(resolve => { libp2pOf(a).addEventListener('kad-dht:query:self' as 'peer:connect', () => { resolve() }, { once: true }) })
  await waitFor(() => a.peers().includes(boot.peerId), { message: 'a connected to the bootstrap node' })
  await selfQueryDone
  // C joins after A's self-query, and never runs one itself
  const c = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: boot.addresses() }, { ...quiet, dhtInitialQuerySelfMs: 3_600_000 }, 'c')
  // (the routing table is not part of KadDHT's public type; read it to avoid a racy lookup)
  const bootTable = (libp2pOf(boot).services.dht as unknown as { routingTable: { find: (id: unknown) => Promise<unknown> } }).routingTable
  await waitFor(async () => (await bootTable.find(libp2pOf(c).peerId)) != null, { message: 'bootstrap node has C in its DHT routing table' })

  const seenByA: string[] = []
  a.addEventListener('peer:connect', e => { seenByA.push(e.detail) })
  expect(a.peers()).not.toContain(c.peerId)
  expect(await libp2pOf(a).peerStore.has(libp2pOf(c).peerId)).toBe(false)

  const addrs = await a.findPeer(c.peerId)
  expect(addrs).toEqual(expect.arrayContaining(c.addresses()))
  await a.dial(c.peerId)
  await waitFor(() => a.peers().includes(c.peerId), { message: 'a connected to c' })
  expect(seenByA).toContain(c.peerId)

  const nobody = generateIdentity('nobody').id
  await expect(a.findPeer(nobody, { signal: AbortSignal.timeout(5000) })).rejects.toBeInstanceOf(PeerNotFoundError)
})
