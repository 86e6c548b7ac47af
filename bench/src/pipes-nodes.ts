/**
 * Pipes nodes as an app builds them: an identity, a transport on 127.0.0.1
 * TCP with the pipeline's entry-hash message id, a datastore-level store in a
 * temporary directory, and a started PipesNode on top.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { generateIdentity } from '@pipes/identity'
import type { LocalIdentity } from '@pipes/identity'
import { attachEntrySignature, createPipesNode, encodeUnsignedEntry, FLAG_PERSISTENT } from '@pipes/pipeline'
import type { PipesNode } from '@pipes/pipeline'
import { createTransport } from '@pipes/transport'
import type { Transport } from '@pipes/transport'
import { LevelDatastore } from 'datastore-level'
import { waitFor, withTimeout } from '@pipes/test-support'

/** One running Pipes node and what it stands on. */
export interface PipesPeer {
  identity: LocalIdentity
  transport: Transport
  node: PipesNode
  datastore: LevelDatastore
  /** The store's folder; pass it back as `path` to restart this node on the same store. */
  path: string
  stop: () => Promise<void>
}

let serial = 0

/** Options for one Pipes node. */
export interface PipesPeerOptions {
  /** Parent directory; the node's store goes in a fresh folder under it. */
  dir: string
  /** Network id shared by the nodes that should see each other. */
  networkId: string
  /** Sync interval handed to createPipesNode (default: the pipeline's). */
  syncIntervalMs?: number
  /** Existing identity (a node restarting); a fresh one by default. */
  identity?: LocalIdentity
  /** Existing store folder (a node restarting); a fresh folder under `dir` by default. */
  path?: string
}

/** Starts one Pipes node on an ephemeral 127.0.0.1 TCP port. */
export async function startPipesPeer (opts: PipesPeerOptions): Promise<PipesPeer> {
  const n = ++serial
  const identity = opts.identity ?? generateIdentity(`bench-${n}`)
  const path = opts.path ?? join(opts.dir, `node-${process.pid}-${n}`)
  await mkdir(path, { recursive: true })
  const datastore = new LevelDatastore(path)
  await datastore.open()
  let transport: Transport | undefined
  let node: PipesNode | undefined
  const stop = async (): Promise<void> => {
    if (node != null) await withTimeout(node.stop(), 15_000, 'stopping a Pipes node').catch(() => {})
    if (transport?.started === true) await withTimeout(transport.stop(), 15_000, 'stopping a transport').catch(() => {})
    await datastore.close().catch(() => {})
  }
  try {
    transport = await createTransport({
      identity,
      network: { id: opts.networkId, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }
    })
    node = createPipesNode({
      identity,
      transport,
      datastore,
      ...(opts.syncIntervalMs != null ? { syncIntervalMs: opts.syncIntervalMs } : {})
    })
    if (!transport.started) await withTimeout(transport.start(), 20_000, 'starting a transport')
    await withTimeout(node.start(), 20_000, 'starting a Pipes node')
    return { identity, transport, node, datastore, path, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Dials `address` (a multiaddr ending in /p2p/<id>) and waits (bounded) until `remotePeerId` is a peer. */
export async function dialAddress (peer: PipesPeer, address: string, remotePeerId: string): Promise<void> {
  await withTimeout(peer.transport.dial(address), 10_000, 'dialing a Pipes node')
  await waitFor(() => peer.transport.peers().includes(remotePeerId), { timeout: 10_000, interval: 10, message: 'Pipes connection established' })
}

/** Connects `a` to `b` and waits (bounded) until both see the connection. */
export async function connectPeers (a: PipesPeer, b: PipesPeer): Promise<void> {
  const addr = b.transport.addresses()[0]
  if (addr == null) throw new Error('the Pipes node has no listen address')
  await dialAddress(a, addr, b.transport.peerId)
  await waitFor(() => b.transport.peers().includes(a.transport.peerId), { timeout: 10_000, interval: 10, message: 'Pipes connection seen from both ends' })
}

/** A started, fully connected group of Pipes nodes. */
export interface PipesSwarm {
  peers: PipesPeer[]
  networkId: string
  stop: () => Promise<void>
}

/** Starts `count` Pipes nodes on one fresh network and connects every pair. */
export async function startPipesSwarm (count: number, opts: { dir: string, syncIntervalMs?: number }): Promise<PipesSwarm> {
  const networkId = `bench-${process.pid}-${++serial}`
  const peers: PipesPeer[] = []
  const stop = async (): Promise<void> => { await Promise.allSettled(peers.map(async (p) => { await p.stop() })) }
  try {
    for (let i = 0; i < count; i++) peers.push(await startPipesPeer({ ...opts, networkId }))
    for (let i = 0; i < peers.length; i++) {
      for (let j = i + 1; j < peers.length; j++) await connectPeers(peers[i] as PipesPeer, peers[j] as PipesPeer)
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { peers, networkId, stop }
}

/**
 * Wire size of one persistent entry with a `payloadBytes` payload written by
 * `peer` into `pipeline`, from the pipeline's own encoder: what sync carries
 * per entry (the raw-stream baseline sends as many bytes).
 */
export function entryWireBytes (peer: PipesPeer, pipeline: string, payloadBytes: number, seq: number): number {
  const unsigned = encodeUnsignedEntry({
    network: peer.node.networkId,
    pipeline,
    author: peer.identity.publicKey,
    authorName: peer.identity.name,
    nameSignature: peer.identity.nameSignature,
    seq,
    prev: new Uint8Array(32).fill(1),
    time: Date.now(),
    counter: 0,
    flags: FLAG_PERSISTENT,
    payload: new Uint8Array(payloadBytes).fill(1)
  })
  return attachEntrySignature(unsigned, new Uint8Array(64)).length
}
