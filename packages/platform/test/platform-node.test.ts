import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCAL_NETWORK_ID } from '../src/index.js'
import { Received, Scratch, nextEvent, text, untext } from './helpers.js'
import type { Packet, Pipeline, PlatformNode } from '../src/index.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

/** A fresh apiPath with user `name` and its (unconnected) node on the loopback network. */
async function user (name: string): Promise<{ dir: string, node: PlatformNode }> {
  const dir = await scratch.dir()
  const api = scratch.api(dir)
  const identity = await api.addIdentity(name)
  const network = await api.networkWithId(LOCAL_NETWORK_ID)
  return { dir, node: await network.nodeWithIdentity(identity) }
}

/** Connects `node` to `to` and waits until both see each other. */
async function link (node: PlatformNode, to: PlatformNode): Promise<void> {
  const joined = nextEvent<string>(to, 'peer:joined', id => id === node.peerId)
  const addr = to.addresses()[0]
  if (addr === undefined) throw new Error('no address to dial')
  await node.dial(addr)
  await joined
}

/** alice and bob (not connected yet), each with a persistent CHAT pipeline; `got` collects what bob's receives. */
async function chatPair (): Promise<{ alice: PlatformNode, bob: PlatformNode, aliceChat: Pipeline, got: Received<Packet> }> {
  const alice = (await user('alice')).node
  const bob = (await user('bob')).node
  const aliceChat = alice.createPipeline({ name: 'CHAT', persistent: true })
  const got = new Received<Packet>()
  bob.createPipeline({ name: 'CHAT', persistent: true }).addPacketListener(got.push)
  return { alice, bob, aliceChat, got }
}

describe('PlatformNode', () => {
  it('creates pipelines synchronously; a second create of a name returns it, or throws for another kind', async () => {
    const { node } = await user('alice')
    expect(node.pipelineNamed('CHAT')).toBeUndefined()
    const chat = node.createPipeline({ name: 'CHAT', persistent: true })
    expect(chat).toMatchObject({ name: 'CHAT', kind: 'persistent' })
    expect(node.pipelineNamed('CHAT')).toBe(chat)
    expect(node.createPipeline({ name: 'CHAT', persistent: true })).toBe(chat)
    expect(() => node.createPipeline({ name: 'CHAT' })).toThrow(expect.objectContaining({ code: 'ERR_PIPELINE_EXISTS' }))
    const live = node.createPipeline({ name: 'LIVE' })
    expect(live.kind).toBe('live')
    expect(node.createPipeline({ name: 'LIVE', persistent: false })).toBe(live)
  })

  it('returns the same node for the same identity and keeps its store under nodes/<network>/<peerId>', async () => {
    const dir = await scratch.dir()
    const api = scratch.api(dir)
    const identity = await api.addIdentity('alice')
    const network = await api.networkWithId('local')
    const node = await network.nodeWithIdentity(identity)
    expect(await (await api.networkWithId('local')).nodeWithIdentity(identity)).toBe(node)
    expect((await stat(join(dir, 'nodes', 'local', identity.id))).isDirectory()).toBe(true)
  })

  it('has no addresses or peers until connect, and dial before connect throws ERR_NOT_CONNECTED', async () => {
    const { node } = await user('alice')
    expect(node.connected).toBe(false)
    expect(node.addresses()).toEqual([])
    expect(node.peers()).toEqual([])
    await expect(node.dial('/ip4/127.0.0.1/tcp/1')).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' })
    const connected = nextEvent<string>(node, 'connected')
    await node.connect()
    expect(await connected).toBe(node.peerId)
    expect(node.connected).toBe(true)
    expect(node.addresses().length).toBeGreaterThan(0)
    expect(node.addresses()[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3Koo/)
    await node.connect() // a second connect is harmless
  })

  it('connects two nodes on loopback: peer events, peers(), live packets with the verified sender', async () => {
    const alice = (await user('alice')).node
    const bob = (await user('bob')).node
    const aliceLive = alice.createPipeline({ name: 'LIVE' })
    const bobLive = bob.createPipeline({ name: 'LIVE' })
    const got = new Received<Packet>()
    bobLive.addPacketListener(got.push)
    await alice.connect()
    await bob.connect()
    const bobSeesAlice = nextEvent<string>(bob, 'peer:joined', id => id === alice.peerId)
    await link(alice, bob)
    await bobSeesAlice
    expect(alice.peers()).toEqual([bob.peerId])
    expect(bob.peers()).toEqual([alice.peerId])
    expect(alice.stats()).toMatchObject({ connected: true, peers: 1 })

    // gossipsub needs a moment to learn bob's subscription: retry a live put until one lands
    for (let i = 0; i < 40 && got.items.length === 0; i++) {
      await aliceLive.putPacket(text(`hello ${i}`))
      await got.waitFor(items => items.length > 0, 'a live packet', 250).catch(() => {})
    }
    expect(got.items.length).toBeGreaterThan(0)
    const first = got.items[0] as Packet
    expect(untext(first.data)).toMatch(/^hello \d+$/)
    expect(first.sender.name).toBe('alice')
    expect(first.sender.id).toBe(alice.peerId)

    const left = nextEvent<string>(bob, 'peer:left', id => id === alice.peerId)
    const disconnected = nextEvent<string>(alice, 'disconnected')
    await alice.disconnect()
    await Promise.all([left, disconnected])
    expect(alice.connected).toBe(false)
    expect(bob.peers()).toEqual([])
  })

  it('stores persistent puts made before connect() and delivers them once connected', async () => {
    const { alice, bob, aliceChat, got } = await chatPair()
    const put = await aliceChat.putPacket(text('written offline 1'))
    await aliceChat.putPacket(text('written offline 2'))
    expect(put.sender.id).toBe(alice.peerId)
    await bob.connect()
    await alice.connect()
    await link(alice, bob)
    await got.waitFor(items => items.length >= 2, 'both offline puts')
    expect(got.items.map(p => untext(p.data))).toEqual(['written offline 1', 'written offline 2'])
  })

  it('delivers persistent puts made while the receiver was disconnected after it reconnects', async () => {
    const { alice, bob, aliceChat, got } = await chatPair()
    await alice.connect()
    await bob.connect()
    await link(bob, alice)
    await aliceChat.putPacket(text('while bob is here'))
    await got.waitFor(items => items.length >= 1, 'the first packet')

    await bob.disconnect()
    await aliceChat.putPacket(text('while bob is away'))
    expect(got.items).toHaveLength(1)
    await bob.connect()
    await link(bob, alice)
    await got.waitFor(items => items.length >= 2, 'the packet sent while bob was away')
    expect(got.items.map(p => untext(p.data))).toEqual(['while bob is here', 'while bob is away'])
  })

  it('api.close() stops its nodes; a closed node refuses use with ERR_CLOSED', async () => {
    const dir = await scratch.dir()
    const api = scratch.api(dir)
    const identity = await api.addIdentity('alice')
    const node = await (await api.networkWithId('local')).nodeWithIdentity(identity)
    await node.connect()
    const disconnected = nextEvent<string>(node, 'disconnected')
    await api.close()
    await disconnected
    expect(node.connected).toBe(false)
    expect(node.peers()).toEqual([])
    await expect(node.connect()).rejects.toMatchObject({ code: 'ERR_CLOSED' })
    expect(() => node.pipelineNamed('x')).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }))
  })
})
