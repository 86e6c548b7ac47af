// The tutorial's "Encrypted Chat": rooms on encrypted pipelines, with a member
// list (create with members, join, add, remove) or a shared passphrase.
import { DeliveryChecker, waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { Scratch, link, startUser } from './helpers.js'
import type { ChatMessage, Room } from '../src/index.js'
import type { User } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

const identity = (u: User): LocalIdentity => u.chat.identity as LocalIdentity
const inRoom = (u: User, room: string): ChatMessage[] => u.inbox.messages.filter(m => m.room === room)

/** Waits until `holder` is known (delivery receipt) to store `room`'s packet `id` written by `author`. */
async function heldBy (author: Room, id: string, holder: User): Promise<void> {
  await waitFor(() => author.pipeline.holders(id).includes(holder.id), { timeout: 15_000, message: `${holder.name} holds ${id.slice(0, 8)} of ${author.name}` })
}

describe('encrypted rooms', () => {
  it('member list: alice creates a room with bob and carol, all three chat; after carol is removed she gets none of what follows', async () => {
    const checker = new DeliveryChecker()
    const alice = await startUser(scratch, 'alice', checker)
    const bob = await startUser(scratch, 'bob', checker)
    const carol = await startUser(scratch, 'carol', checker)
    await link(bob.chat, alice.chat)
    await link(carol.chat, alice.chat)
    await link(carol.chat, bob.chat)

    // bob and carol send alice their public identity (JSON), alice creates the room
    const bobCard = JSON.stringify(identity(bob))
    const carolCard = identity(carol).toJSON()
    const aliceRoom = await alice.chat.createRoom('team', { members: [bobCard, carolCard] })
    const bobRoom = await bob.chat.joinRoom('team', { owner: alice.id })
    const carolRoom = await carol.chat.joinRoom('team', { owner: JSON.stringify(identity(alice)) })
    expect(alice.chat.room('team')).toBe(aliceRoom)
    expect(aliceRoom.members().map(m => m.id).sort()).toEqual([alice.id, bob.id, carol.id].sort())
    await waitFor(() => bobRoom.hasKey && carolRoom.hasKey, { timeout: 15_000, message: 'bob and carol get the room key' })
    expect(bobRoom.members().map(m => m.name).sort()).toEqual(['alice', 'bob', 'carol'])

    const everyone = ['alice', 'bob', 'carol']
    const send = async (u: User, room: Room, text: string, expectedAt: string[]): Promise<ChatMessage> => {
      const m = await room.sendMessage(text)
      expect(m).toMatchObject({ text, sender: u.name, room: 'team' })
      checker.acknowledged({ author: m.senderId, id: m.id, seq: m.seq, expectedAt })
      return m
    }
    await send(alice, aliceRoom, 'welcome to team', everyone)
    await send(bob, bobRoom, 'bob in team', everyone)
    await send(carol, carolRoom, 'carol in team', everyone)
    expect(await checker.waitForComplete({ timeout: 20_000 })).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 })
    for (const u of [alice, bob, carol]) {
      expect(inRoom(u, 'team').map(m => `${m.sender}: ${m.text}`).sort()).toEqual(['alice: welcome to team', 'bob: bob in team', 'carol: carol in team'])
      // room messages are not on the main channel
      expect(u.inbox.messages.filter(m => m.room === undefined)).toEqual([])
    }

    // alice removes carol: a new key epoch, sealed to alice and bob only
    await aliceRoom.removeMember(carol.id)
    expect(aliceRoom.epoch).toBe(2)
    await waitFor(() => bobRoom.epoch === 2 && bobRoom.hasKey, { timeout: 15_000, message: 'bob gets the epoch-2 key' })
    await waitFor(() => carolRoom.epoch === 2, { timeout: 15_000, message: 'carol learns of her removal' })
    expect(carolRoom.hasKey).toBe(false)
    expect(bobRoom.members().map(m => m.id).sort()).toEqual([alice.id, bob.id].sort())
    await expect(carolRoom.sendMessage('still here?')).rejects.toMatchObject({ code: 'ERR_NOT_ROOM_MEMBER' })

    const after: Array<[Room, ChatMessage]> = []
    for (const [u, room, text] of [[alice, aliceRoom, 'after carol left 1'], [bob, bobRoom, 'after carol left 2'], [alice, aliceRoom, 'after carol left 3']] as const) {
      after.push([room, await send(u, room, text, ['alice', 'bob'])])
    }
    expect(await checker.waitForComplete({ timeout: 20_000 })).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 })
    // carol's node (still connected) stores and relays them, but her UI shows none
    for (const [room, m] of after) await heldBy(room, m.id, carol)
    expect(carol.node.peers()).toEqual(expect.arrayContaining([alice.id, bob.id]))
    expect(carol.inbox.texts().filter(t => t.startsWith('after carol left'))).toEqual([])
    expect(carol.chat.stats()).toMatchObject({ malformed: 0, listenerErrors: 0 })
    expect(bob.inbox.texts().filter(t => t.startsWith('after carol left')).sort()).toEqual(['after carol left 1', 'after carol left 2', 'after carol left 3'])
  })

  it('a member added later reads what is sent from then on, not the backlog; only the owner (or an admin) manages members', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    await link(bob.chat, alice.chat)
    const aliceRoom = await alice.chat.createRoom('later', { members: [] })
    const bobRoom = await bob.chat.joinRoom('later', { owner: identity(alice).public() })
    await aliceRoom.sendMessage('before bob was added')
    await expect(bobRoom.sendMessage('let me in')).rejects.toMatchObject({ code: 'ERR_NOT_ROOM_MEMBER' })
    await expect(bobRoom.addMember(identity(bob).public())).rejects.toMatchObject({ code: 'ERR_NOT_ADMIN' })
    await aliceRoom.addMember(JSON.stringify(identity(bob)))
    // adding starts a new epoch: bob holds its key, not the one the backlog was sealed with
    await waitFor(() => bobRoom.hasKey, { timeout: 15_000, message: 'bob got the new key' })
    await aliceRoom.sendMessage('welcome bob')
    await bob.inbox.waitFor(['welcome bob'], 'bob')
    await bobRoom.sendMessage('thanks for adding me')
    await alice.inbox.waitFor(['thanks for adding me'], 'alice')
    expect(inRoom(alice, 'later').map(m => m.text)).toEqual(['before bob was added', 'welcome bob', 'thanks for adding me'])
    expect(inRoom(bob, 'later').map(m => m.text)).toEqual(['welcome bob', 'thanks for adding me'])
  })

  it('passphrase room: two users who share it chat; a wrong passphrase sees nothing, and nothing is thrown into its UI', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    const eve = await startUser(scratch, 'eve')
    await link(bob.chat, alice.chat)
    await link(eve.chat, alice.chat)
    await link(eve.chat, bob.chat)
    const aliceRoom = await alice.chat.joinRoom('den', { passphrase: 'correct horse battery staple' })
    const bobRoom = await bob.chat.joinRoom('den', { passphrase: 'correct horse battery staple' })
    const eveRoom = await eve.chat.joinRoom('den', { passphrase: 'correct horse battery stable' })
    // the scrypt key derivation takes a moment
    await waitFor(() => aliceRoom.hasKey && bobRoom.hasKey && eveRoom.hasKey, { timeout: 20_000, message: 'keys derived' })
    expect(aliceRoom.members()).toEqual([])

    const a = await aliceRoom.sendMessage('the den is open')
    const b = await bobRoom.sendMessage('bob in the den')
    const e = await eveRoom.sendMessage('eve guessed wrong')
    await alice.inbox.waitFor(['bob in the den'], 'alice')
    await bob.inbox.waitFor(['the den is open'], 'bob')
    expect(inRoom(bob, 'den')).toEqual(expect.arrayContaining([expect.objectContaining({ sender: 'alice', text: 'the den is open', room: 'den' })]))

    // eve holds both packets yet shows neither; alice and bob hold eve's unread: each names a key
    // they lack, so it waits (never dropped, never marked delivered)
    await heldBy(aliceRoom, a.id, eve)
    await heldBy(bobRoom, b.id, eve)
    await heldBy(eveRoom, e.id, alice)
    expect(eve.node.stats().pipeline.undecryptable).toBe(0)
    expect(inRoom(eve, 'den').map(m => m.text)).toEqual(['eve guessed wrong'])
    expect(alice.inbox.texts()).not.toContain('eve guessed wrong')
    expect(bob.inbox.texts()).not.toContain('eve guessed wrong')
    expect(eve.chat.stats()).toMatchObject({ malformed: 0, listenerErrors: 0 })
  })

  it('refuses bad room names, options and members with typed errors', async () => {
    const early = scratch.chat(await scratch.dir())
    await expect(early.joinRoom('x', { passphrase: 'p' })).rejects.toMatchObject({ code: 'ERR_CHAT_NOT_CONNECTED' })
    const alice = await startUser(scratch, 'alice')
    const bad = (p: Promise<unknown>): Promise<unknown> => expect(p).rejects.toMatchObject({ code: 'ERR_INVALID_ROOM' })
    await bad(alice.chat.createRoom('no spaces please', { members: [] }))
    await bad(alice.chat.createRoom('', { members: [] }))
    await bad(alice.chat.createRoom('ok', { members: ['{"not":"an identity"}'] }))
    await bad(alice.chat.createRoom('ok', {} as never))
    await bad(alice.chat.joinRoom('ok', { passphrase: 'p', key: new Uint8Array(32) } as never))
    await bad(alice.chat.joinRoom('ok', {} as never))
    await bad(alice.chat.joinRoom('ok', { key: new Uint8Array(3) }))
    await bad(alice.chat.joinRoom('mine', { owner: alice.id }))
    const room = await alice.chat.joinRoom('shared', { key: new Uint8Array(32).fill(7) })
    expect(await alice.chat.joinRoom('shared', { key: new Uint8Array(32).fill(7) })).toBe(room)
    await bad(alice.chat.createRoom('shared', { members: [] }))
    await expect(room.addMember(identity(alice).public())).rejects.toMatchObject({ code: 'ERR_NOT_ADMIN' })
    expect(alice.chat.rooms()).toEqual([room])
    expect(() => scratch.chat('/tmp/unused', { pipelineName: 'x'.repeat(49) })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CHAT_OPTIONS' }))
  })
})
