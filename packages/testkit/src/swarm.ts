import { generateIdentity } from '@pipes/identity'
import { createTransport } from '@pipes/transport'
import { waitFor } from '@pipes/test-support'
import type { LocalIdentity } from '@pipes/identity'
import type { MessageIdFn, NetworkConfig, Transport, TransportOptions } from '@pipes/transport'

/** Options of {@link startSwarm}. */
export interface SwarmOptions {
  /** How many nodes. */
  n: number
  /** 127.0.0.1 TCP or the in-process memory transport. Default `'memory'`. */
  transport?: 'tcp' | 'memory'
  /**
   * `star`: node 0 is every other node's bootstrap; `full`: every pair is
   * connected; `none`: nobody is connected. Default `'star'`.
   */
  topology?: 'star' | 'full' | 'none'
  /** Network fields to use (id, psk, relay...); `listen` and `bootstrap` are set by the swarm. */
  network?: Partial<NetworkConfig>
  /** Transport options; defaults are short test timings (heartbeat 100 ms, redial 100 ms..1 s). */
  options?: TransportOptions
  /** How long to wait for the topology to form, in ms. Default 15_000. */
  timeout?: number
  /** Gossipsub message id function, e.g. the pipeline's `entryMessageId`. Default: the transport's (sha256 of the data). */
  messageId?: MessageIdFn
}

/** A running swarm of transports. */
export interface Swarm {
  /** The nodes, in creation order (node 0 is the star's hub). */
  nodes: Transport[]
  /** Their identities, in the same order. */
  identities: LocalIdentity[]
  /** The network they share. */
  network: NetworkConfig
  /** Stops every node. */
  stop: () => Promise<void>
}

/** Test timings: fast gossipsub heartbeats and redials. */
export const TEST_TRANSPORT_OPTIONS: TransportOptions = {
  heartbeatMs: 100,
  redial: { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 8 },
  dialTimeoutMs: 5000
}

let swarmCounter = 0

function uniqueName (prefix: string): string {
  swarmCounter++
  return `${prefix}-${process.pid}-${swarmCounter}-${Math.random().toString(36).slice(2, 8)}`
}

/**
 * Starts `n` transports on 127.0.0.1 TCP or the memory transport, connected
 * as a star, fully, or not at all, and waits until the topology is formed.
 * Node identities come from `@pipes/identity`.
 */
export async function startSwarm (init: SwarmOptions): Promise<Swarm> {
  const kind = init.transport ?? 'memory'
  const topology = init.topology ?? 'star'
  const timeout = init.timeout ?? 15_000
  const networkId = init.network?.id ?? uniqueName('swarm')
  const base: NetworkConfig = { ...init.network, id: networkId }
  const options = { ...TEST_TRANSPORT_OPTIONS, ...init.options }
  const listen = (): string[] => kind === 'tcp' ? ['/ip4/127.0.0.1/tcp/0'] : [`/memory/${uniqueName(networkId)}`]

  const nodes: Transport[] = []
  const identities: LocalIdentity[] = []
  const stop = async (): Promise<void> => { await Promise.all(nodes.map(async node => { await node.stop() })) }
  try {
    const start = async (i: number, bootstrap: string[]): Promise<Transport> => {
      const identity = generateIdentity(`node-${i}`)
      identities.push(identity)
      const node = await createTransport({ identity, network: { ...base, listen: listen(), bootstrap }, options, ...(init.messageId === undefined ? {} : { messageId: init.messageId }) })
      nodes.push(node)
      return node
    }
    if (topology === 'star') {
      const hub = await start(0, [])
      const hubAddrs = hub.addresses()
      for (let i = 1; i < init.n; i++) await start(i, hubAddrs)
      await waitFor(() => nodes.slice(1).every(node => node.peers().includes(hub.peerId)), {
        timeout, message: `every node of the star connected to its hub (${init.n} nodes)`
      })
    } else {
      for (let i = 0; i < init.n; i++) await start(i, [])
      if (topology === 'full') {
        const dials: Array<Promise<void>> = []
        for (let i = 0; i < nodes.length; i++) {
          for (let j = i + 1; j < nodes.length; j++) {
            const addr = nodes[j]?.addresses()[0]
            if (addr !== undefined) dials.push(nodes[i]?.dial(addr) ?? Promise.resolve())
          }
        }
        await Promise.all(dials)
        await waitFor(() => nodes.every(node => node.peers().length >= nodes.length - 1), {
          timeout, message: `every node connected to all ${init.n - 1} others`
        })
      }
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { nodes, identities, network: { ...base, listen: [], bootstrap: [] }, stop }
}
