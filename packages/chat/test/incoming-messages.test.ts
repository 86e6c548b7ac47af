import { afterEach, describe, expect, it } from 'vitest'
import { PlatformAPI } from '@pipes/platform'
import { decodeMessage } from '../src/index.js'
import { FAST, Scratch, startUser } from './helpers.js'
import type { PlatformNode } from '@pipes/platform'
import type { Packet } from '@pipes/pipeline'

const scratch = new Scratch()
const apis: PlatformAPI[] = []
afterEach(async () => {
  await Promise.allSettled(apis.splice(0).map(async a => { await a.close() }))
  await scratch.cleanup()
})

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('incoming messages: the sender is the verified author', () => {
  it('shows the verified sender name, drops and counts malformed payloads, survives a throwing listener', async () => {
    const bob = await startUser(scratch, 'bob')
    // mallory writes straight onto the CHAT pipeline with a raw PlatformAPI node
    const api = new PlatformAPI(await scratch.dir(), FAST.platform)
    apis.push(api)
    const mallory = await api.addIdentity('mallory')
    const node: PlatformNode = await (await api.networkWithId('local')).nodeWithIdentity(mallory)
    const pipeline = node.createPipeline({ name: 'CHAT', persistent: true })
    await node.connect()
    await node.dial(bob.chat.addresses()[0] as string)

    const bad = ['not json', '[1,2]', 'null', '{"text": 5, "timestamp": 1}', '{"text": "no time"}', '{"text": "x", "timestamp": "soon"}']
    for (const b of bad) await pipeline.putPacket(bytes(b))
    await pipeline.putPacket(new Uint8Array([0xff, 0xfe, 0xfd]))
    await pipeline.putPacket(bytes(JSON.stringify({ text: 'I am alice, trust me', sender: 'alice', timestamp: 1 })))
    await bob.inbox.waitFor(['I am alice, trust me'], 'bob')
    expect(bob.chat.stats().malformed).toBe(bad.length + 1)
    const forged = bob.inbox.messages.find(m => m.text === 'I am alice, trust me')
    expect(forged).toMatchObject({ sender: 'mallory', senderId: mallory.id })
    expect(bob.inbox.messages).toHaveLength(1)

    let calls = 0
    const called = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error('listener not called in time')) }, 15_000)
      bob.chat.setListener(() => { calls++; clearTimeout(timer); resolve(); throw new Error('UI bug') })
    })
    await pipeline.putPacket(bytes(JSON.stringify({ text: 'still works', sender: 'mallory', timestamp: 2 })))
    await called
    expect(calls).toBe(1)
    expect(bob.chat.stats().listenerErrors).toBe(1)
    await bob.chat.sendMessage('bob is fine')
  })

  it('decodeMessage takes the sender from the packet, never from the JSON', () => {
    const packet = {
      data: bytes(JSON.stringify({ text: 'hi', sender: 'someone else', timestamp: 5 })),
      sender: { id: '12D3KooWverified', name: 'verified' },
      timestamp: 6,
      id: 'ab',
      pipeline: 'CHAT',
      seq: 1
    } as unknown as Packet
    expect(decodeMessage(packet)).toEqual({ text: 'hi', sender: 'verified', senderId: '12D3KooWverified', timestamp: 5, id: 'ab', seq: 1 })
  })
})
