import { afterEach, describe, expect, it } from 'vitest'
import { PlatformAPI } from '@pipes/platform'
import { MAX_MESSAGE_LENGTH, decodeMessage } from '../src/index.js'
import { FAST, Inbox, Scratch, link } from './helpers.js'
import type { Chat } from '../src/index.js'
import type { PlatformNode } from '@pipes/platform'
import type { Packet } from '@pipes/pipeline'

const scratch = new Scratch()
const apis: PlatformAPI[] = []
afterEach(async () => {
  await Promise.allSettled(apis.splice(0).map(async a => { await a.close() }))
  await scratch.cleanup()
})

async function connectedUser (name: string, options = {}): Promise<{ chat: Chat, inbox: Inbox }> {
  const chat = scratch.chat(await scratch.dir(), options)
  await chat.setupUser(name)
  const inbox = new Inbox()
  chat.setListener(inbox.listener)
  await chat.connectToNetwork('local')
  return { chat, inbox }
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('Chat', () => {
  it('refuses set-up twice, connecting twice, sending before connecting and unknown networks, with typed errors', async () => {
    const chat = scratch.chat(await scratch.dir())
    await expect(chat.sendMessage('too early')).rejects.toMatchObject({ code: 'ERR_CHAT_NOT_CONNECTED' })
    await chat.setupUser('alice')
    const again = await chat.setupUser('alice2').catch((e: unknown) => e)
    expect(again).toMatchObject({ code: 'ERR_USER_ALREADY_CONFIGURED' })
    expect((again as Error).message).toContain('User is already configured: alice')
    await expect(chat.connectToNetwork('nowhere')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_NETWORK' })
    await chat.connectToNetwork('local')
    await expect(chat.connectToNetwork('local')).rejects.toMatchObject({ code: 'ERR_ALREADY_CONNECTED' })
    await expect(chat.sendMessage(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_INVALID_MESSAGE' })
    await expect(chat.sendMessage('x'.repeat(MAX_MESSAGE_LENGTH + 1))).rejects.toMatchObject({ code: 'ERR_INVALID_MESSAGE' })
  })

  it('uses a persistent CHAT pipeline by default and a live one with persistent: false', async () => {
    const { chat } = await connectedUser('alice')
    expect(chat.pipeline).toMatchObject({ name: 'CHAT', kind: 'persistent' })
    const { chat: live } = await connectedUser('bob', { persistent: false })
    expect(live.pipeline).toMatchObject({ name: 'CHAT', kind: 'live' })
  })

  it('live form: users online at send time get the message', async () => {
    const alice = await connectedUser('alice', { persistent: false })
    const bob = await connectedUser('bob', { persistent: false })
    await link(bob.chat, alice.chat)
    // gossipsub learns bob's subscription shortly after the connection: resend until it lands
    for (let i = 0; i < 40 && bob.inbox.messages.length === 0; i++) {
      await alice.chat.sendMessage(`live ${i}`)
      await bob.inbox.waitFor([`live ${i}`], 'bob', 250).catch(() => {})
    }
    expect(bob.inbox.messages[0]).toMatchObject({ sender: 'alice' })
    expect(bob.inbox.messages[0]?.text).toMatch(/^live \d+$/)
  })

  it('shows the verified sender name, drops and counts malformed payloads, survives a throwing listener', async () => {
    const bob = await connectedUser('bob')
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
