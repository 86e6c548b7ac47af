import { generateIdentity } from '@pipes/identity'
import { afterEach, expect, it } from 'vitest'
import { createTransport, topicFor } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { FAST, meshPeers, Nodes, text, uniqueNetwork, utf8 } from './helpers.js'
import type { Transport } from '../src/index.js'

const nodes = new Nodes()
const extra: Transport[] = []
afterEach(async () => {
  await Promise.all(extra.splice(0).map(async n => { await n.stop() }))
  await nodes.stopAll()
})

const BUDGET = 10

it('a peer flooding invalid messages is cut off after its budget and stays refused when it redials', async () => {
  const id = uniqueNetwork('flood')
  const topic = topicFor(id, 'guarded')
  const victim = await nodes.create({ id, listen: [`/memory/${id}-v`] }, { floodBudget: { maxRejects: BUDGET, windowMs: 60_000, banMs: 60_000 } }, 'victim')
  const honest = await nodes.create({ id, listen: [`/memory/${id}-h`], bootstrap: victim.addresses() }, {}, 'honest')
  const validated: string[] = []
  const delivered: string[] = []
  victim.subscribe(topic, m => { delivered.push(text(m.data)) }, m => {
    validated.push(m.from)
    return text(m.data).startsWith('bad') ? 'reject' : 'accept'
  })
  honest.subscribe(topic, () => {})

  // the flooder: a member of the network with a fixed identity, publishing
  // bytes the victim's validator rejects (publishing does not validate locally)
  const flooderIdentity = generateIdentity('flooder')
  const startFlooder = async (): Promise<Transport> => {
    const node = await createTransport({ identity: flooderIdentity, network: { id, listen: [], bootstrap: victim.addresses() }, options: { ...FAST, redial: { maxAttempts: 1 } } })
    extra.push(node)
    node.subscribe(topic, () => {})
    return node
  }
  const flooder = await startFlooder()
  await waitFor(() => meshPeers(flooder, topic).includes(victim.peerId) && meshPeers(honest, topic).includes(victim.peerId), { message: 'meshed' })

  // one burst, far over the budget, before any heartbeat could graylist it
  const burst = Array.from({ length: 500 }, async (_, i) => await flooder.publish(topic, utf8(`bad ${i}`)).catch(() => undefined))
  await Promise.all(burst)
  await waitFor(() => victim.stats().floodCutoffs === 1, { message: 'the flooder was cut off' })
  await waitFor(() => !victim.peers().includes(flooder.peerId), { message: 'hung up on' })
  const stats = victim.stats()
  expect(stats.bannedPeers).toBe(1)
  // the validators ran at most budget + 1 times; later messages were dropped unvalidated
  expect(validated.filter(from => from === flooder.peerId).length).toBeLessThanOrEqual(BUDGET + 1)
  expect(stats.topics[topic]?.rejected).toBeLessThanOrEqual(BUDGET + 1)

  // redialing, from a fresh process with the same identity, is refused
  await flooder.stop()
  extra.splice(extra.indexOf(flooder), 1)
  const again = await startFlooder()
  await expect(again.dial(victim.addresses()[0]!)).rejects.toThrow()
  expect(victim.peers()).not.toContain(again.peerId)

  // honest traffic still flows
  await honest.publish(topic, utf8('good'))
  await waitFor(() => delivered.includes('good'), { message: 'honest message delivered' })
  expect(victim.stats().floodCutoffs).toBe(1)
})

it('rejects within the budget do not cut a peer off', async () => {
  const id = uniqueNetwork('flood-ok')
  const topic = topicFor(id, 'guarded')
  const victim = await nodes.create({ id, listen: [`/memory/${id}-v`] }, { floodBudget: { maxRejects: BUDGET } }, 'victim')
  const peer = await nodes.create({ id, listen: [`/memory/${id}-p`], bootstrap: victim.addresses() }, {}, 'peer')
  victim.subscribe(topic, () => {}, m => text(m.data).startsWith('bad') ? 'reject' : 'accept')
  peer.subscribe(topic, () => {})
  await waitFor(() => meshPeers(peer, topic).includes(victim.peerId), { message: 'meshed' })
  for (let i = 0; i < BUDGET; i++) await peer.publish(topic, utf8(`bad ${i}`))
  await waitFor(() => victim.stats().topics[topic]?.rejected === BUDGET, { message: 'rejects counted' })
  expect(victim.stats()).toMatchObject({ floodCutoffs: 0, bannedPeers: 0 })
  expect(victim.peers()).toContain(peer.peerId)
})
