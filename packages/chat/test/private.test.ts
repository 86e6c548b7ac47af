// The tutorial's "Private Chat": point-to-point pipelines between two users,
// stored and forwarded (but never readable) by the others.
import { join } from 'node:path'
import { PlatformAPI } from '@pipes/platform'
import { DeliveryChecker, waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeIntroduction } from '../src/introduction.js'
import { privatePipelineName } from '../src/private-chat.js'
import { FAST, Scratch, link, startUser, storeBytes } from './helpers.js'
import type { ChatMessage } from '../src/index.js'
import type { User } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'
import type { PlatformNode } from '@pipes/platform'

const scratch = new Scratch()
const apis: PlatformAPI[] = []
afterEach(async () => {
  await Promise.allSettled(apis.splice(0).map(async a => { await a.close() }))
  await scratch.cleanup()
})

const identity = (u: User): LocalIdentity => u.chat.identity as LocalIdentity

/** The conversation pipeline of `u` with `peer`, on u's node. */
function conversation (u: User, peer: User): ReturnType<PlatformNode['pipelineNamed']> {
  return u.node.pipelineNamed(privatePipelineName('CHAT', identity(u).publicKey, identity(peer).publicKey))
}

/** Waits until `holder` is known (delivery receipt) to store `u`'s packet `id` of `pipeline`. */
async function heldBy (u: User, pipeline: string, id: string, holder: User): Promise<void> {
  await waitFor(() => u.node.pipelineNamed(pipeline)?.holders(id).includes(holder.id) === true,
    { timeout: 15_000, message: `${holder.name} holds ${u.name}'s ${id.slice(0, 8)} on ${pipeline}` })
}

/** Ids of `u`'s own introductions (packets on CHAT.intro). */
async function ownIntroductions (u: User): Promise<string[]> {
  const ids: string[] = []
  for await (const p of (u.node.pipelineNamed('CHAT.intro') as NonNullable<ReturnType<PlatformNode['pipelineNamed']>>).history()) {
    if (p.sender.id === u.id) ids.push(p.id)
  }
  return ids
}

const privateOnes = (u: User): ChatMessage[] => u.inbox.messages.filter(m => m.private === true)

describe('private chat', () => {
  it('alice -> bob through carol: bob sees it marked private, carol neither sees it nor stores its text', async () => {
    const checker = new DeliveryChecker()
    const alice = await startUser(scratch, 'alice', checker)
    const bob = await startUser(scratch, 'bob', checker)
    const carol = await startUser(scratch, 'carol', checker)
    // carol is the hub: alice and bob are not connected to each other, so everything goes through her
    await link(alice.chat, carol.chat)
    await link(bob.chat, carol.chat)
    expect(alice.node.peers()).not.toContain(bob.id)

    // control: text on the main channel is readable in carol's store (so the scan below can find text)
    await alice.chat.sendMessage('PUBLIC-MARKER-7f3a')
    await carol.inbox.waitFor(['PUBLIC-MARKER-7f3a'], 'carol')

    const sent = await alice.chat.sendPrivateMessage(identity(bob).public(), 'SECRET-MARKER-for-bob')
    expect(sent).toMatchObject({ text: 'SECRET-MARKER-for-bob', sender: 'alice', senderId: alice.id, private: true, to: bob.id })
    checker.acknowledged({ author: alice.id, id: sent.id, seq: sent.seq, expectedAt: ['alice', 'bob'] })
    await bob.inbox.waitFor(['SECRET-MARKER-for-bob'], 'bob')
    // bob answers by id: he needs nothing else
    const reply = await bob.chat.sendPrivateMessage(alice.id, 'SECRET-MARKER-reply')
    checker.acknowledged({ author: bob.id, id: reply.id, seq: reply.seq, expectedAt: ['alice', 'bob'] })
    const report = await checker.waitForComplete({ timeout: 20_000 })
    expect(report).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 })

    const atBob = bob.inbox.messages.find(m => m.text === 'SECRET-MARKER-for-bob')
    expect(atBob).toMatchObject({ sender: 'alice', senderId: alice.id, private: true, to: bob.id, id: sent.id })
    expect(atBob?.room).toBeUndefined()
    const atAlice = alice.inbox.messages.find(m => m.text === 'SECRET-MARKER-reply')
    expect(atAlice).toMatchObject({ sender: 'bob', private: true, to: alice.id })
    // each user's own copy is shown to them too, addressed to the other
    expect(alice.inbox.messages.find(m => m.text === 'SECRET-MARKER-for-bob')).toMatchObject({ private: true, to: bob.id })
    expect(alice.chat.privatePeers()).toEqual([bob.id])
    expect(bob.chat.privatePeers()).toEqual([alice.id])

    // carol stored and forwarded both envelopes and both introductions ...
    await heldBy(alice, conversation(alice, bob)?.name as string, sent.id, carol)
    await heldBy(bob, conversation(bob, alice)?.name as string, reply.id, carol)
    for (const id of await ownIntroductions(alice)) await heldBy(alice, 'CHAT.intro', id, carol)
    // ... but her UI got none of it, she opened no conversation, and her disk holds no private text
    expect(privateOnes(carol)).toEqual([])
    expect(carol.inbox.texts().filter(t => t.startsWith('SECRET'))).toEqual([])
    expect(carol.chat.privatePeers()).toEqual([])
    const disk = await storeBytes(join(carol.dir, 'nodes', 'local', carol.id))
    expect(disk.includes('PUBLIC-MARKER-7f3a')).toBe(true)
    expect(disk.includes('SECRET-MARKER')).toBe(false)
    expect(carol.chat.stats()).toMatchObject({ malformed: 0, listenerErrors: 0 })
  })

  it('bob is offline when alice writes: carol stores and forwards it, and bob\'s offline reply reaches alice the same way', async () => {
    const checker = new DeliveryChecker()
    const alice = await startUser(scratch, 'alice', checker)
    const bob = await startUser(scratch, 'bob', checker)
    const carol = await startUser(scratch, 'carol', checker)
    await link(alice.chat, carol.chat)
    await bob.node.disconnect()

    // alice has only bob's identity JSON (as text, e.g. pasted from a QR code)
    const bobJson = JSON.stringify(identity(bob))
    expect(bobJson).not.toContain('secret')
    const sent = await alice.chat.sendPrivateMessage(bobJson, 'while you were away')
    checker.acknowledged({ author: alice.id, id: sent.id, seq: sent.seq, expectedAt: ['alice', 'bob'] })
    await heldBy(alice, conversation(alice, bob)?.name as string, sent.id, carol)
    for (const id of await ownIntroductions(alice)) await heldBy(alice, 'CHAT.intro', id, carol)

    // alice leaves before bob comes back: only carol can deliver
    await alice.node.disconnect()
    await bob.node.connect()
    await link(bob.chat, carol.chat)
    await bob.inbox.waitFor(['while you were away'], 'bob')
    expect(bob.inbox.messages.find(m => m.text === 'while you were away')).toMatchObject({ sender: 'alice', private: true, to: bob.id })
    expect(bob.chat.privatePeers()).toEqual([alice.id])

    // bob answers while alice is away; she gets it from carol when she is back
    const reply = await bob.chat.sendPrivateMessage(alice.id, 'back now, thanks')
    checker.acknowledged({ author: bob.id, id: reply.id, seq: reply.seq, expectedAt: ['alice', 'bob'] })
    await heldBy(bob, conversation(bob, alice)?.name as string, reply.id, carol)
    await bob.node.disconnect()
    await alice.node.connect()
    await link(alice.chat, carol.chat)
    const report = await checker.waitForComplete({ timeout: 20_000 })
    expect(report).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 })
    expect(privateOnes(carol)).toEqual([])
  })

  it('after a restart the author finds the conversation again: the reply arrives though she has not written since, nothing repeats', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    await link(bob.chat, alice.chat)
    await alice.chat.sendPrivateMessage(bob.id, 'before the restart')
    await bob.inbox.waitFor(['before the restart'], 'bob')
    await alice.chat.close()

    const again = scratch.chat(alice.dir)
    const seen: ChatMessage[] = []
    again.setListener((m) => { seen.push(m) })
    await again.connectToNetwork('local')
    await waitFor(() => again.privatePeers().includes(bob.id), { timeout: 15_000, message: 'alice finds her conversation with bob' })
    await link(bob.chat, again)
    await bob.chat.sendPrivateMessage(alice.id, 'reply after your restart')
    await waitFor(() => seen.some(m => m.text === 'reply after your restart'), { timeout: 15_000, message: 'alice gets the reply' })
    expect(seen.filter(m => m.private === true).map(m => m.text)).toEqual(['reply after your restart'])
    expect(bob.inbox.texts().filter(t => t === 'before the restart')).toHaveLength(1)
  })

  it('refuses bad recipients with typed errors; drops and counts forged introductions and malformed private payloads', async () => {
    const early = scratch.chat(await scratch.dir())
    await expect(early.sendPrivateMessage('12D3KooWanything', 'hi')).rejects.toMatchObject({ code: 'ERR_CHAT_NOT_CONNECTED' })
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    await expect(alice.chat.sendPrivateMessage(alice.id, 'me')).rejects.toMatchObject({ code: 'ERR_INVALID_RECIPIENT' })
    await expect(alice.chat.sendPrivateMessage('not an id', 'x')).rejects.toMatchObject({ code: 'ERR_INVALID_RECIPIENT' })
    await expect(alice.chat.sendPrivateMessage({ name: 'bob' } as never, 'x')).rejects.toMatchObject({ code: 'ERR_INVALID_RECIPIENT' })
    await expect(alice.chat.sendPrivateMessage(bob.id, 42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_INVALID_MESSAGE' })

    // mallory writes straight onto the pipelines with a raw node
    const api = new PlatformAPI(await scratch.dir(), FAST.platform)
    apis.push(api)
    const mallory = await api.addIdentity('mallory')
    const node = await (await api.networkWithId('local')).nodeWithIdentity(mallory)
    const intro = node.createPipeline({ name: 'CHAT.intro', persistent: true })
    const toBob = node.createPipeline({ name: privatePipelineName('CHAT', mallory.publicKey, identity(bob).publicKey), peer: bob.id })
    await node.connect()
    await link(alice.chat, bob.chat)
    await node.dial(bob.node.addresses()[0] as string)

    // alice writes to bob: mallory gets alice's introduction and re-posts it as hers
    await alice.chat.sendPrivateMessage(bob.id, 'genuine')
    await bob.inbox.waitFor(['genuine'], 'bob')
    let alicesIntro: Uint8Array | undefined
    await waitFor(async () => {
      for await (const p of intro.history()) if (p.sender.id === alice.id) alicesIntro = p.data
      return alicesIntro !== undefined
    }, { timeout: 15_000, message: 'mallory has alice\'s introduction' })
    await intro.putPacket(alicesIntro as Uint8Array)
    await intro.putPacket(new Uint8Array([1, 0, 5, 1, 2]))
    // a proper introduction, then a private payload that is not the chat's JSON, then a good one
    await intro.putPacket(encodeIntroduction(mallory, { id: bob.id, publicKey: identity(bob).publicKey }))
    await toBob.putPacket(new TextEncoder().encode('not json'))
    await toBob.putPacket(new TextEncoder().encode(JSON.stringify({ text: 'mallory, honestly', sender: 'alice', timestamp: Date.now() })))
    await bob.inbox.waitFor(['mallory, honestly'], 'bob')
    // forged re-post, broken layout and bad JSON: dropped and counted, never shown
    await waitFor(() => bob.chat.stats().malformed === 3, { timeout: 15_000, message: `bob counts 3 malformed (has ${bob.chat.stats().malformed})` })
    const fromMallory = bob.inbox.messages.filter(m => m.senderId === mallory.id)
    expect(fromMallory).toHaveLength(1)
    expect(fromMallory[0]).toMatchObject({ sender: 'mallory', private: true, to: bob.id })
    expect(bob.chat.privatePeers().sort()).toEqual([alice.id, mallory.id].sort())
    expect(bob.chat.stats().listenerErrors).toBe(0)
  })
})
