/**
 * The hostile process of the flood scenario: a bare libp2p peer (the test
 * kit's hostile peer) that joins the receiver's mesh and publishes forged
 * entries (valid shape, current time, a wrong signature: the costliest
 * invalid input to refuse). In its own process, so the work of forging and
 * sending is not charged to the nodes being measured. Whenever it is hung
 * up on it redials, as a real attacker would.
 *
 *   parent → { kind: 'join', ... }    start, dial, wait for the mesh → { kind: 'ready' }
 *   parent → { kind: 'flood', perSecond } floods until { kind: 'stop' } → { kind: 'flooded', sent, redialsRefused }
 *   parent → { kind: 'exit' }         stops the peer and exits
 */
import '@pipes/transport/polyfills'
import { performance } from 'node:perf_hooks'
import { multiaddr } from '@multiformats/multiaddr'
import { setTimeout as sleep } from 'node:timers/promises'
import { generateIdentity } from '@pipes/identity'
import { attachEntrySignature, encodeUnsignedEntry, FLAG_PERSISTENT } from '@pipes/pipeline'
import { startHostilePeer } from '@pipes/testkit'
import type { HostilePeer } from '@pipes/testkit'
import { makePayload, WARMUP } from './payload.js'
import { waitFor } from '@pipes/test-support'

/** What the parent sends. */
export type FloodChildRequest =
  | { kind: 'join', networkId: string, pipeline: string, topic: string, target: string, targetId: string, size: number }
  | { kind: 'flood', perSecond: number }
  | { kind: 'stop' }
  | { kind: 'exit' }

/** What the child answers. */
export type FloodChildReport =
  | { kind: 'ready' }
  | { kind: 'flooded', sent: number, redialsRefused: number }
  | { kind: 'error', error: string }

/** The flood is sent in slices this often, so its rate is steady. */
const TICK_MS = 10
/** A redial after a hang-up is tried at most this often, and gives up after as long. */
const REDIAL_MS = 500

let hostile: HostilePeer | undefined
let join: Extract<FloodChildRequest, { kind: 'join' }> | undefined
let stopping = false
let seq = 0
const forger = generateIdentity('flooder')

function send (report: FloodChildReport): void { process.send?.(report) }

function forged (): Uint8Array {
  const j = join as NonNullable<typeof join>
  seq++
  const unsigned = encodeUnsignedEntry({
    network: j.networkId,
    pipeline: j.pipeline,
    author: forger.publicKey,
    authorName: forger.name,
    nameSignature: forger.nameSignature,
    seq,
    prev: new Uint8Array(32).fill(seq & 0xff),
    time: Date.now(),
    flags: FLAG_PERSISTENT,
    // distinct payloads, so no cache of message ids drops them early
    payload: makePayload(WARMUP, seq, j.size)
  })
  const signature = new Uint8Array(64)
  new DataView(signature.buffer).setUint32(0, seq)
  return attachEntrySignature(unsigned, signature)
}

async function flood (perSecond: number): Promise<void> {
  const h = hostile as HostilePeer
  const j = join as NonNullable<typeof join>
  const perTick = Math.max(1, Math.round(perSecond * TICK_MS / 1000))
  let sent = 0
  let redialsRefused = 0
  let lastDial = 0
  stopping = false
  const start = performance.now()
  // bounded: at most an hour of ticks
  for (let tick = 0; !stopping && tick < 360_000; tick++) {
    const wait = start + tick * TICK_MS - performance.now()
    if (wait > 1) await sleep(wait)
    if (h.subscribers(j.topic).length === 0) {
      // hung up on, or not in the mesh yet: try to come back
      const connected = h.libp2p.getConnections().some((c) => c.remotePeer.toString() === j.targetId)
      if (!connected && performance.now() - lastDial >= REDIAL_MS) {
        lastDial = performance.now()
        await h.libp2p.dial(multiaddr(j.target), { signal: AbortSignal.timeout(REDIAL_MS) }).catch(() => { redialsRefused++ })
      }
      continue
    }
    const slice: Array<Promise<unknown>> = []
    for (let i = 0; i < perTick; i++) {
      slice.push(h.publish(j.topic, forged()).catch(() => 0))
      sent++
    }
    // a publish to a peer that just hung up can hang: never wait on one for long
    await Promise.race([Promise.allSettled(slice), sleep(TICK_MS * 5)])
  }
  send({ kind: 'flooded', sent, redialsRefused })
}

process.on('message', (msg: FloodChildRequest) => {
  void (async () => {
    try {
      if (msg.kind === 'join') {
        join = msg
        hostile = await startHostilePeer({ networkId: msg.networkId, transport: 'tcp' })
        hostile.subscribe(msg.topic)
        await hostile.dial(msg.target)
        await waitFor(() => (hostile as HostilePeer).subscribers(msg.topic).length > 0, { timeout: 20_000, interval: 10, message: 'hostile peer in the receiver\'s mesh' })
        send({ kind: 'ready' })
      } else if (msg.kind === 'flood') {
        await flood(msg.perSecond)
      } else if (msg.kind === 'stop') {
        stopping = true
      } else {
        await hostile?.stop().catch(() => {})
        process.exit(0)
      }
    } catch (err) {
      send({ kind: 'error', error: String(err) })
    }
  })()
})
// the parent going away ends the flood too
process.on('disconnect', () => { process.exit(0) })
