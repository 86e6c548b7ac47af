// chat.search(): ranked full-text search of what the listener was given, in
// every conversation, kept in the node's datastore (sealed), incremental,
// and rebuilt from the log only when missing or damaged.
import { durableStoreOf } from '@pipes/pipeline'
import { waitFor } from '@pipes/test-support'
import { afterEach, describe, expect, it } from 'vitest'
import { Chat, InvalidSearchError } from '../src/index.js'
import { Inbox, Scratch, link, startUser, storeBytes } from './helpers.js'
import type { RebuildProgress, SearchHit, SearchOptions } from '../src/index.js'
import type { User } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'
import type { KvOp } from '@pipes/pipeline'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

const texts = (hits: SearchHit[]): string[] => hits.map(h => h.message.text)

/** Waits until `u`'s search for `query` returns exactly `expected` (texts, any order). */
async function found (u: User | Chat, query: string, expected: string[], options: SearchOptions = {}): Promise<SearchHit[]> {
  const chat = u instanceof Chat ? u : u.chat
  let hits: SearchHit[] = []
  await waitFor(async () => {
    hits = await chat.search(query, options)
    return JSON.stringify(texts(hits).sort()) === JSON.stringify([...expected].sort())
  }, { timeout: 15_000, message: `search ${JSON.stringify(query)} finds ${JSON.stringify(expected)} (last: ${JSON.stringify(texts(hits))})` })
  return hits
}

/** Starts a chat on an apiPath set up before, recording rebuild events. */
async function restart (dir: string, options: { offline?: boolean } = {}): Promise<{ chat: Chat, inbox: Inbox, rebuilds: RebuildProgress[] }> {
  const chat = scratch.chat(dir)
  const inbox = new Inbox()
  const rebuilds: RebuildProgress[] = []
  chat.addEventListener('search:rebuild', (e) => { rebuilds.push(e.detail) })
  chat.setListener(inbox.listener)
  await chat.connectToNetwork('local', options)
  return { chat, inbox, rebuilds }
}

describe('chat.search()', () => {
  it('ranks matches with offsets for highlighting; folds case and diacritics; takes a prefix and a typo; filters combine', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    await link(bob.chat, alice.chat)
    await alice.chat.sendMessage('Meet at the Café Zürich tomorrow')
    await alice.chat.sendMessage('the cafe is closed on Sunday')
    await bob.chat.sendMessage('Zürich is far, cafe near me instead?')
    await bob.inbox.waitFor(['Meet at the Café Zürich tomorrow', 'the cafe is closed on Sunday'], 'bob')

    const hits = await found(bob, 'CAFE', ['Meet at the Café Zürich tomorrow', 'the cafe is closed on Sunday', 'Zürich is far, cafe near me instead?'])
    const meet = hits.find(h => h.message.text.startsWith('Meet')) as SearchHit
    expect(meet.matches.map(m => meet.message.text.slice(m.start, m.end))).toEqual(['Café'])
    expect(meet.message).toMatchObject({ sender: 'alice', senderId: alice.id })
    expect(hits.every((h, i) => i === 0 || (hits[i - 1] as SearchHit).score >= h.score)).toBe(true)
    // two words must both match; the last one as a prefix (as typed)
    expect(texts(await bob.chat.search('cafe zur'))).toEqual(expect.arrayContaining(['Meet at the Café Zürich tomorrow', 'Zürich is far, cafe near me instead?']))
    expect(texts(await bob.chat.search('cafe zur'))).toHaveLength(2)
    // a typo in a longer word
    expect(texts(await bob.chat.search('tomorow'))).toEqual(['Meet at the Café Zürich tomorrow'])
    // filters: sender (id or name), time
    expect(texts(await bob.chat.search('cafe', { sender: 'bob' }))).toEqual(['Zürich is far, cafe near me instead?'])
    expect(texts(await bob.chat.search('cafe', { sender: alice.id })).sort()).toEqual(['Meet at the Café Zürich tomorrow', 'the cafe is closed on Sunday'])
    const first = (hits.find(h => h.message.text.startsWith('the cafe')) as SearchHit).message.timestamp
    expect(texts(await bob.chat.search('cafe', { sender: 'alice', after: first - 1, before: first + 1 }))).toEqual(['the cafe is closed on Sunday'])
    expect(await bob.chat.search('cafe', { limit: 1 })).toHaveLength(1)
    expect(await bob.chat.search('nowhere')).toEqual([])
  })

  it('finds what arrived while offline, in a private chat and in a room, and nothing of a room sent after the user was removed', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    const carol = await startUser(scratch, 'carol')
    await link(bob.chat, alice.chat)
    await link(carol.chat, alice.chat)
    const aliceRoom = await alice.chat.createRoom('ops', { members: [(bob.chat.identity as LocalIdentity).public(), (carol.chat.identity as LocalIdentity).public()] })
    const bobRoom = await bob.chat.joinRoom('ops', { owner: alice.id })
    const carolRoom = await carol.chat.joinRoom('ops', { owner: alice.id })
    await waitFor(() => bobRoom.hasKey && carolRoom.hasKey, { timeout: 15_000, message: 'members get the room key' })
    await aliceRoom.sendMessage('rollout plan for friday')
    await found(carol, 'rollout', ['rollout plan for friday'], { room: 'ops' })

    // carol is removed, then alice writes again; bob is offline meanwhile
    await bob.node.disconnect()
    await aliceRoom.removeMember(carol.id)
    await waitFor(() => carolRoom.epoch === 2, { timeout: 15_000, message: 'carol learns of her removal' })
    const secret = await aliceRoom.sendMessage('rollout moved to monday')
    await alice.chat.sendPrivateMessage(bob.id, 'private rollout notes for bob')
    // carol's node holds the new room packet (it carries the room), but never the plaintext
    await waitFor(() => aliceRoom.pipeline.holders(secret.id).includes(carol.id), { timeout: 15_000, message: 'carol stores the packet sent after her removal' })

    await bob.node.connect()
    await link(bob.chat, alice.chat)
    await found(bob, 'rollout', ['rollout plan for friday', 'rollout moved to monday'], { room: 'ops' })
    const privately = await found(bob, 'rollout notes', ['private rollout notes for bob'], { peer: alice.id })
    expect(privately[0]?.message).toMatchObject({ private: true, to: bob.id, sender: 'alice' })
    await found(bob, 'rollout', ['rollout plan for friday', 'rollout moved to monday', 'private rollout notes for bob'])
    // carol: only what she was given
    expect(texts(await carol.chat.search('rollout'))).toEqual(['rollout plan for friday'])
    expect(texts(await carol.chat.search('monday'))).toEqual([])
  })

  it('is kept across a restart without a rebuild; a damaged index is rebuilt from the log with progress reported', async () => {
    const alice = await startUser(scratch, 'alice')
    const room = await alice.chat.joinRoom('notes', { key: new Uint8Array(32).fill(7) })
    for (let i = 0; i < 30; i++) await alice.chat.sendMessage(`entry number ${i} about lighthouses`)
    await room.sendMessage('a room note about lighthouses and gulls')
    await found(alice, 'gulls', ['a room note about lighthouses and gulls'])
    expect((await alice.chat.search('lighthouses', { limit: 100 })).length).toBe(31)
    await alice.chat.close()

    // the room is opened again from the state cache; the index loads as it was
    const again = await restart(alice.dir, { offline: true })
    expect(again.chat.rooms().map(r => r.name)).toEqual(['notes'])
    expect((await again.chat.search('lighthouses', { limit: 100 })).length).toBe(31)
    expect(texts(await again.chat.search('gulls', { room: 'notes' }))).toEqual(['a room note about lighthouses and gulls'])
    expect(again.rebuilds).toEqual([])

    // damage every record of the index in the store, then restart
    const kv = durableStoreOf((again.chat.node as NonNullable<Chat['node']>).datastore)
    const damaged: KvOp[] = []
    for await (const { key } of kv.scan('/pipes/chat/')) if (key.includes('/search/')) damaged.push({ key, value: new Uint8Array([1, 2, 3]) })
    expect(damaged.length).toBeGreaterThan(0)
    await kv.batch(damaged, { sync: true })
    await again.chat.close()
    const third = await restart(alice.dir, { offline: true })
    expect((await third.chat.search('lighthouses', { limit: 100 })).length).toBe(31)
    expect(third.rebuilds.filter(r => r.done).map(r => [r.conversation, r.reason, r.indexed]).sort()).toEqual([['main', 'damaged', 30], ['room:notes', 'damaged', 1]])
  })

  it('keeps the index of a room and a private chat sealed at rest: no word of them in the store files', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    await link(bob.chat, alice.chat)
    const room = await alice.chat.joinRoom('vault', { passphrase: 'correct horse battery staple' })
    await room.sendMessage('xylophonequartz in the vault')
    await alice.chat.sendPrivateMessage(bob.id, 'zebrafishcobalt between us')
    await found(alice, 'xylophonequartz', ['xylophonequartz in the vault'])
    await found(alice, 'zebrafishcobalt', ['zebrafishcobalt between us'])
    await alice.chat.close()
    const bytes = await storeBytes(alice.dir)
    expect(bytes.includes('xylophonequartz')).toBe(false)
    expect(bytes.includes('zebrafishcobalt')).toBe(false)
  })

  it('bad queries get a typed error or nothing, never a crash', async () => {
    const alice = await startUser(scratch, 'alice')
    await alice.chat.sendMessage('plain words here 🙂 and naïve')
    await found(alice, 'naive', ['plain words here 🙂 and naïve'])
    for (const q of ['', '   ', '🙂', '\u200b\u200b', '\u0301\u0301', '\ud800', '!!!', '\u202eevil']) {
      expect(Array.isArray(await alice.chat.search(q))).toBe(true)
    }
    expect(await alice.chat.search('')).toEqual([])
    await expect(alice.chat.search('x'.repeat(5000))).rejects.toThrow(InvalidSearchError)
    await expect(alice.chat.search(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).rejects.toThrow(InvalidSearchError)
    await expect(alice.chat.search(42 as unknown as string)).rejects.toThrow(InvalidSearchError)
    await expect(alice.chat.search('plain', { limit: 0 })).rejects.toThrow(InvalidSearchError)
    await expect(alice.chat.search('plain', { after: Number.NaN })).rejects.toThrow(InvalidSearchError)
    await expect(alice.chat.search('plain', null as unknown as SearchOptions)).rejects.toThrow(InvalidSearchError)
    expect(texts(await alice.chat.search('plain'))).toEqual(['plain words here 🙂 and naïve'])
    await expect(scratch.chat(await scratch.dir()).search('x')).rejects.toMatchObject({ code: 'ERR_CHAT_NOT_CONNECTED' })
  })
})
