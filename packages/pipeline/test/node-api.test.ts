import { generateIdentity } from '@pipes/identity'
import { waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import {
  InvalidPipelineArgumentError, InvalidPipelineNameError, NodeStoppedError, PacketTooLargeError, PipelineExistsError, REJECT_REASONS
} from '../src/index.js'
import { dec, enc, levelStore, networkId, removeDir, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { Packet, Pipeline } from '../src/index.js'

describe('PipesNode API', () => {
  const running: TestNode[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  it('createPipeline: same name and kind returns the existing pipeline; another kind or size throws ERR_PIPELINE_EXISTS', async () => {
    const t = await startNode({ network: networkId(), online: false })
    running.push(t)
    const chat = t.node.createPipeline({ name: 'CHAT' })
    expect(t.node.createPipeline({ name: 'CHAT' })).toBe(chat)
    expect(t.node.createPipeline({ name: 'CHAT', maxPacketBytes: chat.maxPacketBytes })).toBe(chat)
    expect(() => t.node.createPipeline({ name: 'CHAT', persistent: true })).toThrow(PipelineExistsError)
    expect(() => t.node.createPipeline({ name: 'CHAT', maxPacketBytes: 10 })).toThrow(expect.objectContaining({ code: 'ERR_PIPELINE_EXISTS' }))
    expect(t.node.pipelineNamed('CHAT')).toBe(chat)
    expect(t.node.pipelineNamed('nope')).toBeUndefined()
    const log = t.node.createPipeline({ name: 'log', persistent: true })
    expect(t.node.pipelines()).toEqual([chat, log])
    expect(chat.kind).toBe('live')
    expect(log.kind).toBe('persistent')
  })

  it('refuses bad names, options and packets with typed errors', async () => {
    const t = await startNode({ network: networkId(), online: false })
    running.push(t)
    for (const name of ['', 'a/b', 'x'.repeat(129), 'sp ace', 42]) {
      expect(() => t.node.createPipeline({ name: name as string })).toThrow(InvalidPipelineNameError)
    }
    for (const maxPacketBytes of [0, -1, 1.5, 9 * 1024 * 1024]) {
      expect(() => t.node.createPipeline({ name: 'p', maxPacketBytes })).toThrow(InvalidPipelineArgumentError)
    }
    expect(() => t.node.createPipeline(null as never)).toThrow(InvalidPipelineArgumentError)
    const p = t.node.createPipeline({ name: 'p', persistent: true, maxPacketBytes: 8 })
    await expect(p.putPacket('text' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    await expect(p.putPacket(new Uint8Array(9))).rejects.toBeInstanceOf(PacketTooLargeError)
    expect(() => { p.addPacketListener('no' as never) }).toThrow(InvalidPipelineArgumentError)
    expect(Object.keys(t.node.stats().rejects).sort()).toEqual([...REJECT_REASONS].sort())
    await t.stop()
    await expect(p.putPacket(new Uint8Array(1))).rejects.toBeInstanceOf(NodeStoppedError)
    expect(() => t.node.createPipeline({ name: 'q' })).toThrow(NodeStoppedError)
  })

  it('works offline: puts are stored and delivered locally, nothing is published', async () => {
    const t = await startNode({ network: networkId(), online: false })
    running.push(t)
    const live = t.node.createPipeline({ name: 'live' })
    const log = t.node.createPipeline({ name: 'log', persistent: true })
    const got: string[] = []
    live.addPacketListener((p) => { got.push(`live:${dec(p.data)}`) })
    log.addPacketListener((p) => { got.push(`log:${dec(p.data)}`) })
    await live.putPacket(enc('a'))
    await log.putPacket(enc('b'))
    await waitFor(() => got.length === 2, { timeout: 5000, message: 'both delivered locally' })
    expect(got.sort()).toEqual(['live:a', 'log:b'])
    expect(t.node.stats()).toMatchObject({ put: 2, published: 0, delivered: 2 })
  })

  it('persistent: history() and replay give stored packets first; after a restart nothing is delivered twice', async () => {
    const net = networkId()
    const store = await levelStore()
    dirs.push(store.dir)
    const identity = generateIdentity('diarist')
    let t = await startNode({ network: net, identity, datastore: store.datastore, online: false })
    running.push(t)
    let log = t.node.createPipeline({ name: 'log', persistent: true })
    const first: Packet[] = []
    log.addPacketListener((p) => { first.push(p) })
    const sent = await Promise.all(Array.from({ length: 30 }, async (_, i) => await log.putPacket(enc(`entry ${i}`))))
    expect(sent.map(p => p.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    await waitFor(() => first.length === 30, { timeout: 5000, message: 'all delivered' })
    expect(first.map(p => p.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    await t.stop()
    await store.close()

    const reopened = await levelStore(store.dir)
    t = await startNode({ network: net, identity, datastore: reopened.datastore, online: false })
    running.push(t)
    log = t.node.createPipeline({ name: 'log', persistent: true })
    const plain: Packet[] = []
    log.addPacketListener((p) => { plain.push(p) })
    const replayed: Packet[] = []
    const replayFn = (p: Packet, pipeline: Pipeline): void => { expect(pipeline).toBe(log); replayed.push(p) }
    log.addPacketListener(replayFn, { replay: true })
    await waitFor(() => replayed.length === 30, { timeout: 5000, message: 'replay gave the stored packets' })
    expect(replayed.map(p => dec(p.data))).toEqual(Array.from({ length: 30 }, (_, i) => `entry ${i}`))
    const history: Packet[] = []
    for await (const p of log.history()) history.push(p)
    expect(history.map(p => p.id)).toEqual(replayed.map(p => p.id))
    expect(history[0]?.sender.name).toBe('diarist')
    const next = await log.putPacket(enc('after restart'))
    expect(next.seq).toBe(31)
    await waitFor(() => plain.length === 1 && replayed.length === 31, { timeout: 5000, message: 'new packet delivered to both' })
    expect(plain[0]?.id).toBe(next.id)
    await t.stop()
    await reopened.close()
  })
})
