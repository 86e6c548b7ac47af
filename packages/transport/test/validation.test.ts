import { afterEach, expect, it } from 'vitest'
import { topicFor } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { meshPeers, Nodes, scoreOf, text, uniqueNetwork, utf8 } from './helpers.js'
import type { Validation } from '../src/index.js'

const nodes = new Nodes()
afterEach(async () => { await nodes.stopAll() })

it('a reject from the validator drops the message and is counted; ignore and accept too', async () => {
  const id = uniqueNetwork('validate')
  const a = await nodes.create({ id, listen: ['/memory/' + id + '-a'] }, {}, 'a')
  const b = await nodes.create({ id, listen: ['/memory/' + id + '-b'], bootstrap: a.addresses() }, {}, 'b')
  const topic = topicFor(id, 'checked')
  const delivered: string[] = []
  const seenFrom: string[] = []
  b.subscribe(topic, m => { delivered.push(text(m.data)) }, (m): Validation => {
    seenFrom.push(m.from)
    const body = text(m.data)
    if (body.startsWith('bad')) return 'reject'
    if (body.startsWith('meh')) return 'ignore'
    return 'accept'
  })
  a.subscribe(topic, () => {})
  await waitFor(() => meshPeers(a, topic).includes(b.peerId), { message: 'a and b meshed' })

  await a.publish(topic, utf8('bad: forged'))
  await a.publish(topic, utf8('meh: stale'))
  await a.publish(topic, utf8('good'))
  await waitFor(() => delivered.length === 1, { message: 'the good message was delivered' })
  await waitFor(() => (b.stats().topics[topic]?.rejected ?? 0) === 1 && (b.stats().topics[topic]?.ignored ?? 0) === 1, { message: 'reject and ignore counted' })
  expect(delivered).toEqual(['good'])
  expect(b.stats().topics[topic]).toEqual({ accepted: 1, ignored: 1, rejected: 1, validatorErrors: 0 })
  expect(new Set(seenFrom)).toEqual(new Set([a.peerId]))
  // the reject lowered a's score at b (scores are cached for up to one heartbeat)
  await waitFor(() => scoreOf(b, a.peerId) < 0, { message: "a's gossipsub score at b went negative", timeout: 5000 })
})

it('a validator that throws ignores the message and the node keeps running', async () => {
  const id = uniqueNetwork('validate-throw')
  const a = await nodes.create({ id, listen: ['/memory/' + id + '-a'] }, {}, 'a')
  const b = await nodes.create({ id, listen: ['/memory/' + id + '-b'], bootstrap: a.addresses() }, {}, 'b')
  const topic = topicFor(id, 'fragile')
  const delivered: string[] = []
  b.subscribe(topic, m => { delivered.push(text(m.data)) }, m => {
    if (text(m.data) === 'boom') throw new Error('validator bug')
    return 'accept'
  })
  a.subscribe(topic, () => {})
  await waitFor(() => meshPeers(a, topic).includes(b.peerId), { message: 'meshed' })
  await a.publish(topic, utf8('boom'))
  await a.publish(topic, utf8('fine'))
  await waitFor(() => delivered.length === 1, { message: 'the next message still arrives' })
  expect(delivered).toEqual(['fine'])
  expect(b.stats().topics[topic]).toMatchObject({ validatorErrors: 1, ignored: 1, accepted: 1 })
})
