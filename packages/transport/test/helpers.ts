// Test helpers of the transport package. (@pipes/testkit builds on this
// package, so these tests cannot import it without a dependency cycle; the
// waits come from @pipes/test-support, which depends on no Pipes package.)
import { generateIdentity } from '@pipes/identity'
import { createTransport, libp2pOf } from '../src/index.js'
import type { NetworkConfig, Transport, TransportOptions } from '../src/index.js'

/** Short timings so the suite stays fast. */
export const FAST: TransportOptions = {
  heartbeatMs: 100,
  redial: { baseDelayMs: 100, maxDelayMs: 800, maxAttempts: 8 },
  dialTimeoutMs: 5000
}

let counter = 0
/** A network id no other test uses. */
export function uniqueNetwork (prefix = 'net'): string {
  counter++
  return `${prefix}-${process.pid}-${counter}`
}

/** Tracks transports so afterEach can stop them all. */
export class Nodes {
  readonly all: Transport[] = []

  async create (network: NetworkConfig, options: TransportOptions = {}, name = `node-${this.all.length}`): Promise<Transport> {
    const node = await createTransport({ identity: generateIdentity(name), network, options: { ...FAST, ...options } })
    this.all.push(node)
    return node
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.all.splice(0).map(async node => { await node.stop() }))
  }
}

/** Resolves with the first message data on `topic` that `node` receives. */
export async function nextMessage (node: Transport, topic: string, timeout = 10_000): Promise<Uint8Array> {
  let unsubscribe = (): void => {}
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`no message on ${topic} within ${timeout} ms`)) }, timeout)
      unsubscribe = node.subscribe(topic, msg => { resolve(msg.data) })
    })
  } finally {
    clearTimeout(timer)
    unsubscribe()
  }
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

// The running gossipsub router has this method; its public type does not list it.
interface Router { getScore: (peerId: string) => number }
const router = (node: Transport): Router => libp2pOf(node).services.pubsub as unknown as Router

/** Peers in `node`'s gossipsub mesh for `topic`. */
export const meshPeers = (node: Transport, topic: string): string[] => node.meshPeers(topic)
/** `node`'s gossipsub score of `peerId`. */
export const scoreOf = (node: Transport, peerId: string): number => router(node).getScore(peerId)
