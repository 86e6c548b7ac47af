/**
 * Bare libp2p + gossipsub nodes, built the way the Pipes transport builds its
 * own (TCP on 127.0.0.1, noise, yamux, identify), with nothing of Pipes on top:
 * the yardstick every Pipes figure stands beside.
 */
import '@pipes/transport/polyfills'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, StrictNoSign, StrictSign } from '@libp2p/gossipsub'
import type { GossipSub, SignaturePolicy } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import type { Identify } from '@libp2p/identify'
import { waitFor, withTimeout } from '@pipes/test-support'

export { StrictNoSign, StrictSign }
export type { SignaturePolicy }

/** A bare libp2p node with gossipsub as `services.pubsub`. */
export type BareNode = Libp2p<{ pubsub: GossipSub, identify: Identify }>

/** Options for one bare node. */
export interface BareNodeOptions {
  /** gossipsub's signature policy; StrictSign is gossipsub's default. */
  policy?: SignaturePolicy
}

/** Starts one bare node listening on an ephemeral 127.0.0.1 TCP port. */
export async function createBareNode ({ policy = StrictSign }: BareNodeOptions = {}): Promise<BareNode> {
  return await withTimeout(createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: policy,
        // Same as the Pipes transport: nothing is published before peers join.
        allowPublishToZeroTopicPeers: true
      })
    }
  }), 20_000, 'starting a bare libp2p node')
}

/** Dials every pair once so the nodes form a full mesh of connections. */
export async function connectAll (nodes: readonly BareNode[]): Promise<void> {
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i] as BareNode
      const b = nodes[j] as BareNode
      await withTimeout(a.dial(b.getMultiaddrs()), 10_000, 'dialing a bare node')
    }
  }
}

/**
 * Subscribes every node to `topic` and waits (bounded) until each node has
 * every other node in its gossipsub mesh or, past gossipsub's D, enough of them.
 */
export async function joinTopic (nodes: readonly BareNode[], topic: string): Promise<void> {
  for (const n of nodes) n.services.pubsub.subscribe(topic)
  const want = Math.min(nodes.length - 1, 4)
  const meshSize = (n: BareNode): number => {
    // The mesh is not on GossipSub's public interface; subscribers are.
    const router = n.services.pubsub as unknown as { getMeshPeers?: (t: string) => string[] }
    return router.getMeshPeers?.(topic).length ?? n.services.pubsub.getSubscribers(topic).length
  }
  await waitFor(() => nodes.every((n) => meshSize(n) >= want), { timeout: 15_000, interval: 20, message: `gossipsub mesh on ${topic}` })
}

/** A started, fully connected group of bare nodes, all on one topic. */
export interface BareSwarm {
  nodes: BareNode[]
  topic: string
  stop: () => Promise<void>
}

/** Starts `count` bare nodes, connects them all and joins them to a topic. */
export async function createBareSwarm (count: number, topic: string, options: BareNodeOptions = {}): Promise<BareSwarm> {
  const nodes: BareNode[] = []
  const stop = async (): Promise<void> => {
    await Promise.allSettled(nodes.map(async (n) => await withTimeout(Promise.resolve(n.stop()), 10_000, 'stopping a bare node')))
  }
  try {
    for (let i = 0; i < count; i++) nodes.push(await createBareNode(options))
    await connectAll(nodes)
    await joinTopic(nodes, topic)
  } catch (err) {
    await stop()
    throw err
  }
  return { nodes, topic, stop }
}
