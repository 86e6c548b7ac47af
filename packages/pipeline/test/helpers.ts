import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateIdentity } from '@pipes/identity'
import { createTransport } from '@pipes/transport'
import { TEST_TRANSPORT_OPTIONS, waitFor } from '@pipes/testkit'
import { MemoryDatastore } from 'datastore-core'
import { LevelDatastore } from 'datastore-level'
import { createPipesNode } from '../src/index.js'
import type { LocalIdentity } from '@pipes/identity'
import type { Transport } from '@pipes/transport'
import type { Datastore } from 'interface-datastore'
import type { Packet, Pipeline, PipesNode, PipesNodeInit } from '../src/index.js'
import type { StoredParts } from '../src/stored-parts.js'
import type { StoredPipeline } from '../src/stored-pipeline.js'
import type { DeliveryChecker } from '@pipes/testkit'

let counter = 0

/** A unique network id per test. */
export function networkId (prefix = 'pl'): string {
  counter++
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 6)}`
}

/** A Pipes node on a fresh transport; `stop()` stops node, transport and (own) datastore. */
export interface TestNode {
  identity: LocalIdentity
  transport: Transport
  node: PipesNode
  datastore: Datastore
  stop: () => Promise<void>
}

export interface TestNodeOptions {
  network: string
  identity?: LocalIdentity
  name?: string
  /** Datastore to use; default a new MemoryDatastore. */
  datastore?: Datastore
  transport?: 'memory' | 'tcp'
  /** Start the transport (default true). */
  online?: boolean
  syncIntervalMs?: number
  node?: Partial<PipesNodeInit>
}

export async function startNode (opts: TestNodeOptions): Promise<TestNode> {
  counter++
  const identity = opts.identity ?? generateIdentity(opts.name ?? `node-${counter}`)
  const listen = opts.transport === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : `/memory/${opts.network}-${counter}-${Math.random().toString(36).slice(2, 8)}`
  const transport = await createTransport({
    identity,
    network: { id: opts.network, listen: [listen] },
    options: TEST_TRANSPORT_OPTIONS,
    start: opts.online !== false
  })
  const datastore = opts.datastore ?? new MemoryDatastore()
  const node = createPipesNode({ identity, transport, datastore, syncIntervalMs: opts.syncIntervalMs ?? 2000, ...opts.node })
  await node.start()
  let stopped = false
  return {
    identity,
    transport,
    node,
    datastore,
    stop: async () => {
      if (stopped) return
      stopped = true
      await node.stop()
      await transport.stop()
    }
  }
}

/** Connects a to b and waits until both see each other. */
export async function connect (a: TestNode, b: TestNode): Promise<void> {
  const addr = b.transport.addresses()[0]
  if (addr === undefined) throw new Error('b has no address')
  await a.transport.dial(addr)
  await waitFor(() => a.transport.peers().includes(b.transport.peerId) && b.transport.peers().includes(a.transport.peerId), {
    timeout: 10_000, message: 'nodes connected'
  })
}

/** A LevelDatastore under a fresh temp dir (opened), and a cleanup. */
export async function levelStore (dir?: string): Promise<{ datastore: LevelDatastore, dir: string, close: () => Promise<void> }> {
  const path = dir ?? await mkdtemp(join(tmpdir(), 'pipes-pipeline-'))
  const datastore = new LevelDatastore(join(path, 'store'))
  await datastore.open()
  return { datastore, dir: path, close: async () => { await datastore.close() } }
}

export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** A listener that records every delivery of `node` in the checker. */
export function recordInto (checker: DeliveryChecker, nodeName: string): (packet: Packet) => void {
  return (packet) => {
    checker.delivered({ node: nodeName, author: packet.sender.id, id: packet.id, seq: packet.seq })
  }
}

export const enc = (text: string): Uint8Array => new TextEncoder().encode(text)
export const dec = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

/** A stored pipeline's parts as the node's sync sessions use them (`ingestBatch`, `missingFor`, `flush`): for feeding batches in by hand. */
export function syncSide (p: Pipeline): StoredParts {
  return (p as unknown as StoredPipeline).stored
}
