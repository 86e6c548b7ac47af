// What an app needs of the network comes from the chat itself, so apps never
// reach through `chat.node` (apps/cli's demo uses exactly these calls).
import { waitForEvent } from '@pipes/test-support'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatNotConnectedError } from '../src/index.js'
import { Scratch, startUser } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

/** Resolves with the detail of the next `type` event of `chat` naming `peer`; rejects after 15 s. */
async function nextPeerEvent (chat: EventTarget, type: 'peer:joined' | 'peer:left', peer: string): Promise<string> {
  return (await waitForEvent<CustomEvent<string>>(chat, type, { filter: e => e.detail === peer, timeout: 15_000, message: `${type} for ${peer}` })).detail
}

describe('Chat network calls: addresses, dial, peers, disconnect, reconnect, networkStats, peer events', () => {
  it('refuses them before connectToNetwork with ERR_CHAT_NOT_CONNECTED', async () => {
    const chat = scratch.chat(await scratch.dir())
    expect(() => chat.addresses()).toThrow(ChatNotConnectedError)
    expect(() => chat.peers()).toThrow(expect.objectContaining({ code: 'ERR_CHAT_NOT_CONNECTED' }))
    expect(() => chat.networkStats()).toThrow(ChatNotConnectedError)
    await expect(chat.dial('/ip4/127.0.0.1/tcp/1')).rejects.toThrow(ChatNotConnectedError)
    await expect(chat.disconnect()).rejects.toThrow(ChatNotConnectedError)
    await expect(chat.reconnect()).rejects.toThrow(ChatNotConnectedError)
  })

  it('dials another user, sees them join and leave, goes offline and back', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    const address = alice.chat.addresses()[0]
    expect(address).toMatch(new RegExp(`/p2p/${alice.id}$`))
    const joined = nextPeerEvent(alice.chat, 'peer:joined', bob.id)
    await bob.chat.dial(address as string)
    expect(await joined).toBe(bob.id)
    expect(alice.chat.peers()).toContain(bob.id)
    expect(bob.chat.networkStats()).toMatchObject({ connected: true })
    expect(bob.chat.networkStats().peers).toBeGreaterThanOrEqual(1)

    const left = nextPeerEvent(alice.chat, 'peer:left', bob.id)
    await bob.chat.disconnect()
    expect(await left).toBe(bob.id)
    expect(bob.chat.addresses()).toEqual([])
    expect(bob.chat.peers()).toEqual([])
    expect(bob.chat.networkStats().connected).toBe(false)
    await expect(bob.chat.dial(address as string)).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' })

    await bob.chat.reconnect()
    const again = nextPeerEvent(alice.chat, 'peer:joined', bob.id)
    await bob.chat.dial(address as string)
    expect(await again).toBe(bob.id)
    await bob.chat.sendMessage('back')
    await alice.inbox.waitFor(['back'], 'alice')
  })
})
