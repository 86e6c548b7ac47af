/**
 * One shape for every system a live scenario measures: an author that
 * publishes and receivers that hear. The scenario drives the shape; it does
 * not know whether Pipes or bare gossipsub sits behind it.
 */
import { createBareSwarm } from './baseline/gossipsub.js'
import type { SignaturePolicy, StrictNoSign, StrictSign } from './baseline/gossipsub.js'
import { MEASURED, WARMUP, makePayload, readPayload } from './payload.js'
import { startPipesSwarm } from './pipes-nodes.js'
import { withTimeout } from '@pipes/test-support'
import { Counter } from './wait.js'
import { setTimeout as sleep } from 'node:timers/promises'

/** The systems a live scenario compares. */
export type LiveSystemKind = 'pipes' | typeof StrictSign | typeof StrictNoSign

/** Row labels, as printed. */
export const LIVE_LABEL: Record<LiveSystemKind, string> = {
  pipes: 'pipes live pipeline',
  StrictSign: 'gossipsub StrictSign',
  StrictNoSign: 'gossipsub StrictNoSign'
}

/** A started group of nodes: node 0 publishes, nodes 1..n-1 receive. */
export interface LiveSwarm {
  readonly receivers: number
  /** Publishes from the author; resolves when the system says it is sent. */
  publish: (data: Uint8Array) => Promise<void>
  /** Called for every payload any receiver gets, with the receiver's index (0-based). */
  onReceive: (fn: (receiver: number, data: Uint8Array) => void) => void
  stop: () => Promise<void>
}

const TOPIC = '/bench/live'

async function bareLiveSwarm (count: number, policy: SignaturePolicy): Promise<LiveSwarm> {
  const swarm = await createBareSwarm(count, TOPIC, { policy })
  const author = swarm.nodes[0]
  if (author == null) throw new Error('a live swarm needs at least one node')
  return {
    receivers: count - 1,
    publish: async (data) => { await author.services.pubsub.publish(TOPIC, data) },
    onReceive: (fn) => {
      swarm.nodes.slice(1).forEach((node, i) => {
        node.services.pubsub.addEventListener('message', (evt) => {
          if (evt.detail.topic === TOPIC) fn(i, evt.detail.data)
        })
      })
    },
    stop: swarm.stop
  }
}

async function pipesLiveSwarm (count: number, dir: string): Promise<LiveSwarm> {
  const swarm = await startPipesSwarm(count, { dir })
  try {
    const pipelines = swarm.peers.map((p) => p.node.createPipeline({ name: 'bench-live' }))
    const author = pipelines[0]
    if (author == null) throw new Error('a live swarm needs at least one node')
    return {
      receivers: count - 1,
      publish: async (data) => { await author.putPacket(data) },
      onReceive: (fn) => {
        pipelines.slice(1).forEach((pipeline, i) => {
          pipeline.addPacketListener((packet) => { fn(i, packet.data) })
        })
      },
      stop: swarm.stop
    }
  } catch (err) {
    await swarm.stop()
    throw err
  }
}

/**
 * Starts `count` nodes of one system, fully connected, and returns once a
 * warm-up packet has reached every receiver (bounded), so measurement starts
 * on a formed mesh.
 */
export async function startLiveSwarm (kind: LiveSystemKind, count: number, dir: string): Promise<LiveSwarm> {
  const swarm = kind === 'pipes' ? await pipesLiveSwarm(count, dir) : await bareLiveSwarm(count, kind)
  try {
    const heard = new Set<number>()
    const allHeard = new Counter()
    swarm.onReceive((receiver, data) => {
      if (readPayload(data).kind === WARMUP && !heard.has(receiver)) { heard.add(receiver); allHeard.add() }
    })
    const ready = allHeard.wait(swarm.receivers)
    await withTimeout((async () => {
      for (let i = 0; heard.size < swarm.receivers && i < 200; i++) {
        await swarm.publish(makePayload(WARMUP, i, 64))
        await Promise.race([ready, sleep(100)])
      }
      await ready
    })(), 20_000, 'warm-up packet reaching every receiver')
    return swarm
  } catch (err) {
    await swarm.stop()
    throw err
  }
}

/** Measured payloads carry this kind byte; warm-ups are ignored by the scenarios. */
export { MEASURED }
