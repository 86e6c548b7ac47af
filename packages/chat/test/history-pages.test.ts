// chat.history(options): pages of one conversation through the time index;
// edits and deletions by a message's author, applied on every member's
// device; the state cache that brings rooms and read markers back.
import { waitFor, waitForEvent } from '@pipes/test-support'
import { afterEach, describe, expect, it } from 'vitest'
import { InvalidHistoryOptionsError, NotMessageAuthorError, UnknownMessageError } from '../src/index.js'
import { Scratch, collect, link, startUser } from './helpers.js'
import type { Chat, ChatMessage } from '../src/index.js'
import type { User } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

const textsOf = (ms: ChatMessage[]): string[] => ms.map(m => m.text)

/** Every page of a conversation, newest first, `size` at a time (bounded). */
async function pagesBack (chat: Chat, size: number, where: { room?: string, peer?: string } = {}): Promise<string[][]> {
  const pages: string[][] = []
  let before: string | undefined
  for (let i = 0; i < 100; i++) {
    const page = await collect(chat.history({ ...where, limit: size, reverse: true, ...(before === undefined ? {} : { before }) }))
    if (page.length > 0) pages.push(textsOf(page))
    if (page.length < size) break
    before = page[page.length - 1]?.id
  }
  return pages
}

describe('chat.history(options)', () => {
  it('pages back and forth through a conversation; the same pages after a restart, offline, and after a catch-up', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    await link(bob.chat, alice.chat)
    for (let i = 1; i <= 60; i++) await alice.chat.sendMessage(`m${i}`)
    await bob.inbox.waitFor(['m60'], 'bob')
    const expected = Array.from({ length: 60 }, (_, i) => `m${60 - i}`)
    expect((await pagesBack(bob.chat, 25)).flat()).toEqual(expected)
    const oldest = await collect(bob.chat.history({ limit: 10 }))
    expect(textsOf(oldest)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 1}`))
    expect(textsOf(await collect(bob.chat.history({ after: oldest[9]?.id, limit: 3 })))).toEqual(['m11', 'm12', 'm13'])

    // bob goes away while alice writes 300 more; he restarts offline: his screen is there at once
    await bob.chat.close()
    for (let i = 61; i <= 360; i++) await alice.chat.sendMessage(`m${i}`)
    const back = scratch.chat(bob.dir)
    await back.connectToNetwork('local', { offline: true })
    expect((await pagesBack(back, 25)).flat()).toEqual(expected)
    // online again: the catch-up lands and pages like the rest
    await back.reconnect()
    await link(back, alice.chat)
    await waitFor(async () => (await collect(back.history({ reverse: true, limit: 1 })))[0]?.text === 'm360', { timeout: 30_000, message: 'bob caught up to m360' })
    const all = (await pagesBack(back, 50)).flat()
    expect(all).toEqual(Array.from({ length: 360 }, (_, i) => `m${360 - i}`))
  }, 60_000)

  it('pages a room and a private conversation; refuses a room not open here and bad options with typed errors', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    await link(bob.chat, alice.chat)
    const room = await alice.chat.joinRoom('pair', { passphrase: 'two of us' })
    const bobRoom = await bob.chat.joinRoom('pair', { passphrase: 'two of us' })
    for (let i = 1; i <= 5; i++) await room.sendMessage(`room ${i}`)
    await bobRoom.sendMessage('room reply')
    await alice.chat.sendPrivateMessage(bob.id, 'dm 1')
    await bob.chat.sendPrivateMessage(alice.id, 'dm 2')
    await alice.inbox.waitFor(['room reply', 'dm 2'], 'alice')
    expect((await pagesBack(alice.chat, 4, { room: 'pair' })).flat()).toEqual(['room reply', 'room 5', 'room 4', 'room 3', 'room 2', 'room 1'])
    const dms = await collect(alice.chat.history({ peer: bob.id, limit: 10 }))
    expect(textsOf(dms)).toEqual(['dm 1', 'dm 2'])
    expect(dms[1]).toMatchObject({ private: true, to: alice.id, sender: 'bob' })
    expect(textsOf(await collect(alice.chat.history({ limit: 10 })))).toEqual([])
    await expect(collect(alice.chat.history({ room: 'nope' }))).rejects.toThrow(InvalidHistoryOptionsError)
    await expect(collect(alice.chat.history({ room: 'pair', peer: bob.id }))).rejects.toThrow(InvalidHistoryOptionsError)
    await expect(collect(alice.chat.history({ peer: 'not an id' }))).rejects.toThrow(InvalidHistoryOptionsError)
    await expect(collect(alice.chat.history({ limit: -1 }))).rejects.toThrow(InvalidHistoryOptionsError)
    await expect(collect(alice.chat.history({ before: 'ab'.repeat(32) }))).rejects.toMatchObject({ code: 'ERR_UNKNOWN_PACKET' })
  })
})

describe('edits and deletions', () => {
  it('only the author edits or deletes; every member is told, and history and search show the current text on every device', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    const carol = await startUser(scratch, 'carol')
    await link(bob.chat, alice.chat)
    await link(carol.chat, alice.chat)
    const members = [bob, carol].map(u => (u.chat.identity as LocalIdentity).public())
    const room = await alice.chat.createRoom('crew', { members })
    const rooms = await Promise.all([bob, carol].map(async u => await u.chat.joinRoom('crew', { owner: alice.id })))
    await waitFor(() => rooms.every(r => r.hasKey), { timeout: 15_000, message: 'members get the key' })
    const typo = await room.sendMessage('meet at the harbuor at noon')
    const leak = await room.sendMessage('the door code is 4711 kiwi')
    const everyone: User[] = [alice, bob, carol]
    for (const u of everyone) await u.inbox.waitFor(['the door code is 4711 kiwi'], u.name)
    await waitFor(async () => (await carol.chat.search('kiwi')).length === 1, { timeout: 15_000, message: 'carol finds the code' })

    await expect(bob.chat.editMessage(typo.id, 'hijacked')).rejects.toThrow(NotMessageAuthorError)
    await expect(bob.chat.deleteMessage(typo.id)).rejects.toThrow(NotMessageAuthorError)
    await expect(alice.chat.editMessage('cd'.repeat(32), 'x')).rejects.toThrow(UnknownMessageError)

    const edited = everyone.map(async u => await waitForEvent<CustomEvent<ChatMessage>>(u.chat, 'edited', { timeout: 15_000, message: `${u.name} is told of the edit` }))
    const deleted = everyone.map(async u => await waitForEvent<CustomEvent<ChatMessage>>(u.chat, 'deleted', { timeout: 15_000, message: `${u.name} is told of the deletion` }))
    expect(await alice.chat.editMessage(typo.id, 'meet at the harbour at noon')).toMatchObject({ id: typo.id, text: 'meet at the harbour at noon', edited: true })
    await alice.chat.deleteMessage(leak.id)
    for (const e of await Promise.all(edited)) expect(e.detail).toMatchObject({ id: typo.id, text: 'meet at the harbour at noon', edited: true, room: 'crew' })
    for (const e of await Promise.all(deleted)) expect(e.detail).toMatchObject({ id: leak.id })
    for (const u of everyone) {
      expect(await u.chat.search('kiwi')).toEqual([])
      expect(await u.chat.search('harbuor')).toHaveLength(1) // a typo away from the new text
      expect((await u.chat.search('harbour'))[0]?.message).toMatchObject({ id: typo.id, text: 'meet at the harbour at noon', edited: true })
      const page = await collect(u.chat.history({ room: 'crew', limit: 10 }))
      expect(page.map(m => [m.text, m.edited])).toEqual([['meet at the harbour at noon', true]])
    }
    // the edit and the deletion are records, never messages on anyone's screen
    expect(carol.inbox.texts()).toEqual(['meet at the harbuor at noon', 'the door code is 4711 kiwi'])
    // and after a restart they stay applied
    await bob.chat.close()
    const again = scratch.chat(bob.dir)
    await again.connectToNetwork('local', { offline: true })
    expect(await again.search('kiwi')).toEqual([])
    expect(textsOf(await collect(again.history({ room: 'crew', limit: 10 })))).toEqual(['meet at the harbour at noon'])
  }, 60_000)
})

describe('the state cache', () => {
  it('a restarted chat opens its rooms by itself and keeps read markers', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    await link(bob.chat, alice.chat)
    const owned = await alice.chat.createRoom('owned', { members: [(bob.chat.identity as LocalIdentity).public()] })
    await alice.chat.joinRoom('shared', { key: new Uint8Array(32).fill(3) })
    const joined = await bob.chat.joinRoom('owned', { owner: alice.id })
    await waitFor(() => joined.hasKey, { timeout: 15_000, message: 'bob gets the key' })
    const last = await owned.sendMessage('read up to here')
    await bob.inbox.waitFor(['read up to here'], 'bob')
    bob.chat.markRead(bob.inbox.messages[0] as ChatMessage)
    await Promise.all([alice.chat.close(), bob.chat.close()])

    const alice2 = scratch.chat(alice.dir)
    await alice2.connectToNetwork('local', { offline: true })
    expect(alice2.rooms().map(r => r.name).sort()).toEqual(['owned', 'shared'])
    expect(alice2.room('owned')?.members().map(m => m.id).sort()).toEqual([alice.id, bob.id].sort())
    const bob2 = scratch.chat(bob.dir)
    await bob2.connectToNetwork('local', { offline: true })
    expect(bob2.rooms().map(r => r.name)).toEqual(['owned'])
    expect(bob2.readMarker({ room: 'owned' })).toBe(last.id)
    expect(textsOf(await collect(bob2.history({ room: 'owned', reverse: true, limit: 50 })))).toEqual(['read up to here'])
    // still a working room once online
    await Promise.all([alice2.reconnect(), bob2.reconnect()])
    await link(bob2, alice2)
    const got: string[] = []
    bob2.setListener(m => { got.push(m.text) })
    await alice2.room('owned')?.sendMessage('back again')
    await waitFor(() => got.includes('back again'), { timeout: 15_000, message: 'bob gets the message after the restart' })
  }, 60_000)
})
