/**
 * BulkSwarm over each system: a Pipes persistent pipeline, or bare gossipsub
 * with either signature policy. Every node is connected to every other and
 * has seen a warm-up packet from every author before measurement starts.
 */
import { createBareSwarm } from './baseline/gossipsub.js'
import type { SignaturePolicy } from './baseline/gossipsub.js'
import type { BulkSwarm } from './bulk-driver.js'
import { WARMUP, makePayload, readPayload } from './payload.js'
import { startPipesSwarm } from './pipes-nodes.js'
import { waitFor } from '@pipes/test-support'

const TOPIC = '/bench/bulk'

/** A fully connected bare gossipsub group on one topic. */
export async function bareBulkSwarm (size: number, policy: SignaturePolicy): Promise<BulkSwarm> {
  const swarm = await createBareSwarm(size, TOPIC, { policy })
  return {
    size,
    write: async (author, data) => { await (swarm.nodes[author] as (typeof swarm.nodes)[number]).services.pubsub.publish(TOPIC, data) },
    onReceive: (fn) => {
      swarm.nodes.forEach((node, i) => {
        node.services.pubsub.addEventListener('message', (evt) => { if (evt.detail.topic === TOPIC) fn(i, evt.detail.data) })
      })
    },
    stop: swarm.stop
  }
}

/**
 * A fully connected group of Pipes nodes, each with the persistent pipeline
 * `bench-persistent`; the first `authors` nodes each put one warm-up entry,
 * and the swarm is returned once every node has heard every warm-up.
 */
export async function pipesBulkSwarm (size: number, authors: number, dir: string): Promise<BulkSwarm> {
  const swarm = await startPipesSwarm(size, { dir })
  try {
    const pipelines = swarm.peers.map((p) => p.node.createPipeline({ name: 'bench-persistent', persistent: true }))
    // Each node must hear the warm-up of every author but itself.
    const warm = pipelines.map(() => new Set<number>())
    pipelines.forEach((pipeline, i) => {
      pipeline.addPacketListener((packet) => {
        const { kind, seq } = readPayload(packet.data)
        if (kind === WARMUP && seq !== i) warm[i]?.add(seq)
      })
    })
    for (let a = 0; a < authors; a++) await (pipelines[a] as (typeof pipelines)[number]).putPacket(makePayload(WARMUP, a, 64))
    await waitFor(() => warm.every((s, i) => s.size >= authors - (i < authors ? 1 : 0)), { timeout: 30_000, interval: 10, message: 'warm-up entries reaching every Pipes node' })
    return {
      size,
      write: async (author, data) => { await (pipelines[author] as (typeof pipelines)[number]).putPacket(data) },
      onReceive: (fn) => {
        pipelines.forEach((pipeline, i) => { pipeline.addPacketListener((packet) => { fn(i, packet.data) }) })
      },
      // Listeners only ever see durable entries; the node's own count of
      // stored entries (own and received) confirms it.
      confirmStored: async (total) => swarm.peers.every((p) => p.node.stats().stored >= total + authors),
      stop: swarm.stop
    }
  } catch (err) {
    await swarm.stop()
    throw err
  }
}
