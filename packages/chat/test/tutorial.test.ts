// The tutorial ("Tutorial: Chat Service", shared/spec/chat-tutorial.txt) as a
// test: three users on three apiPaths chat live, then its "Persistent Chat"
// promise: what is sent while a node is offline reaches everyone.
import { DeliveryChecker } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { Inbox, Scratch, link } from './helpers.js'
import type { Chat, ChatMessage } from '../src/index.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

interface User { name: string, chat: Chat, inbox: Inbox }

/** The tutorial's UI steps for one user: make the Chat, one-time set-up, listener, connect. */
async function startUser (name: string, checker?: DeliveryChecker): Promise<User> {
  const chat = scratch.chat(await scratch.dir())
  expect(await chat.isUserConfigured()).toBe(false)
  await chat.setupUser(name)
  expect(await chat.isUserConfigured()).toBe(true)
  const inbox = new Inbox()
  chat.setListener((m) => {
    inbox.listener(m)
    checker?.delivered({ node: name, author: m.senderId, id: m.id, seq: m.seq })
  })
  await chat.connectToNetwork('local')
  return { name, chat, inbox }
}

/** Every message each user got, by text, to check each arrived exactly once. */
function counts (inbox: Inbox): Map<string, number> {
  const out = new Map<string, number>()
  for (const t of inbox.texts()) out.set(t, (out.get(t) ?? 0) + 1)
  return out
}

describe('the chat tutorial, three users', () => {
  it('chats live, then delivers what was sent while a node was offline (both directions)', async () => {
    const checker = new DeliveryChecker()
    const alice = await startUser('alice', checker)
    const bob = await startUser('bob', checker)
    const carol = await startUser('carol', checker)
    const users = [alice, bob, carol]
    const everyone = users.map(u => u.name)
    // every message is expected at every user, the sender's own UI included
    const send = async (from: User, text: string): Promise<ChatMessage> => {
      const m = await from.chat.sendMessage(text)
      checker.acknowledged({ author: m.senderId, id: m.id, seq: m.seq, expectedAt: everyone })
      return m
    }
    await link(bob.chat, alice.chat)
    await link(carol.chat, alice.chat)

    // Live: every message reaches every user (the sender's own UI included), with the verified sender.
    const sent: Array<{ from: User, text: string }> = []
    for (const [from, text] of [[alice, 'hi from alice'], [bob, 'hi from bob'], [carol, 'hi from carol']] as const) {
      const message = await send(from, text)
      expect(message).toMatchObject({ text, sender: from.name })
      sent.push({ from, text })
      await Promise.all(users.map(u => u.inbox.waitFor([text], u.name)))
    }
    for (const u of users) {
      for (const { from, text } of sent) {
        const got = u.inbox.messages.filter(m => m.text === text)
        expect(got).toHaveLength(1)
        expect(got[0]?.sender).toBe(from.name)
        expect(got[0]?.senderId).toBe(from.chat.identity?.id)
      }
    }

    // Persistent Chat: bob goes offline; alice and carol keep writing, and so does bob.
    await bob.chat.disconnect()
    await send(alice, 'alice while bob is offline')
    await send(carol, 'carol while bob is offline')
    await send(bob, 'bob writing offline')
    await Promise.all([alice, carol].map(u => u.inbox.waitFor(['alice while bob is offline', 'carol while bob is offline'], u.name)))
    expect(bob.inbox.texts()).not.toContain('alice while bob is offline')
    expect(alice.inbox.texts()).not.toContain('bob writing offline')

    // bob comes back: he gets what he missed, and the others get what he wrote offline.
    await bob.chat.reconnect()
    await link(bob.chat, alice.chat)
    await bob.inbox.waitFor(['alice while bob is offline', 'carol while bob is offline'], 'bob')
    await Promise.all([alice, carol].map(u => u.inbox.waitFor(['bob writing offline'], u.name)))

    // Nothing lost, nothing twice, per-sender order kept: the delivery checker, then by text.
    const report = await checker.waitForComplete({ timeout: 15_000 })
    expect(report).toMatchObject({ acknowledged: 6, deliveries: 18, lost: 0, duplicated: 0, outOfOrder: 0, unacknowledged: 0 })
    const all = ['hi from alice', 'hi from bob', 'hi from carol', 'alice while bob is offline', 'carol while bob is offline', 'bob writing offline']
    for (const u of users) {
      const c = counts(u.inbox)
      expect([...c.keys()].sort()).toEqual([...all].sort())
      expect([...c.values()].every(n => n === 1)).toBe(true)
      for (const sender of users) {
        const order = u.inbox.messages.filter(m => m.sender === sender.name).map(m => m.text)
        const expected = all.filter(t => t.startsWith(sender.name) || t.startsWith(`hi from ${sender.name}`))
        expect(order).toEqual(expected)
      }
      expect(u.chat.stats().malformed).toBe(0)
    }
  })

  it('a node that sends before its first connection delivers when it connects', async () => {
    const alice = await startUser('alice')
    const dir = await scratch.dir()
    const bobChat = scratch.chat(dir)
    await bobChat.setupUser('bob')
    const bobInbox = new Inbox()
    bobChat.setListener(bobInbox.listener)
    await bobChat.connectToNetwork('local')
    await bobChat.disconnect()
    await bobChat.sendMessage('queued before bob ever met anyone')
    await bobChat.reconnect()
    await link(bobChat, alice.chat)
    await alice.inbox.waitFor(['queued before bob ever met anyone'], 'alice')
    expect(alice.inbox.messages.find(m => m.text === 'queued before bob ever met anyone')?.sender).toBe('bob')
  })
})
