import '@pipes/transport/polyfills'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { protocolFor } from '@pipes/transport'
import * as lp from 'it-length-prefixed'
import { createLibp2p } from 'libp2p'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, Stream } from '@libp2p/interface'

/** Options of {@link startHostilePeer}. */
export interface HostilePeerOptions {
  /** The network to impersonate a member of (its topics and protocol ids carry it). */
  networkId: string
  /** Listen on 127.0.0.1 TCP or the memory transport. Default `'memory'`. */
  transport?: 'tcp' | 'memory'
}

/** Options of {@link HostilePeer.sendFrames}. */
export interface SendFramesOptions {
  /** Frame the bytes with unsigned-varint length prefixes (the Pipes framing). Default true; false writes the bytes raw. */
  framed?: boolean
  /** Read what the other side answers until it closes, at most this many ms. Default 2000. */
  readForMs?: number
}

/** What the other side did with our frames. */
export interface SendFramesResult {
  /** Frames (or raw chunks) received back before the stream ended. */
  received: Uint8Array[]
  /** True when the stream was reset or aborted by the other side (rather than closed). */
  reset: boolean
}

/**
 * A bare libp2p node that joins a Pipes network's gossipsub mesh (StrictNoSign,
 * the network's meshsub protocol id) without any of Pipes' checks, to send
 * arbitrary bytes on its topics and arbitrary frames on its protocols.
 */
export interface HostilePeer {
  readonly peerId: string
  readonly libp2p: Libp2p<{ pubsub: GossipSub }>
  /** Addresses to dial this peer on. */
  addresses (): string[]
  /** Connects to a node (multiaddr with /p2p/). */
  dial (addr: string): Promise<void>
  /** Subscribes to a topic so our publishes reach its mesh. */
  subscribe (topic: string): void
  /** Peers we see subscribed to a topic. */
  subscribers (topic: string): string[]
  /** Publishes bytes as they are on a topic (no checks, no signature). Resolves with the number of peers it went to. */
  publish (topic: string, data: Uint8Array): Promise<number>
  /** Opens a stream on `protocol` to `peerId` (connected already), writes the frames, and reads the answer. */
  sendFrames (peerId: string, protocol: string, frames: Uint8Array[], options?: SendFramesOptions): Promise<SendFramesResult>
  stop (): Promise<void>
}

let counter = 0

/** Starts a hostile peer for a network. */
export async function startHostilePeer (options: HostilePeerOptions): Promise<HostilePeer> {
  const kind = options.transport ?? 'memory'
  counter++
  const listen = kind === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : `/memory/hostile-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`
  const meshProtocol = protocolFor(options.networkId, 'meshsub', '1.2.0')
  const libp2p = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    start: false,
    addresses: { listen: [listen] },
    transports: [tcp(), memory()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: StrictNoSign,
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        heartbeatInterval: 100,
        floodPublish: true
      })
    }
  })
  // gossipsub 17.1.1 ignores its `protocols` option: set the id on the instance
  libp2p.services.pubsub.protocols.splice(0, Infinity, meshProtocol)
  await libp2p.start()

  return {
    peerId: libp2p.peerId.toString(),
    libp2p: libp2p as unknown as Libp2p<{ pubsub: GossipSub }>,
    addresses: () => libp2p.getMultiaddrs().map(a => a.toString()),
    dial: async (addr) => { await libp2p.dial(multiaddr(addr)) },
    subscribe: (topic) => { libp2p.services.pubsub.subscribe(topic) },
    subscribers: (topic) => libp2p.services.pubsub.getSubscribers(topic).map(p => p.toString()),
    publish: async (topic, data) => {
      const result = await libp2p.services.pubsub.publish(topic, data)
      return result.recipients.length
    },
    sendFrames: async (peerId, protocol, frames, opts = {}) => {
      const connection = libp2p.getConnections().find(c => c.remotePeer.toString() === peerId)
      if (connection === undefined) throw new Error(`hostile peer is not connected to ${peerId}: dial it first`)
      const stream: Stream = await connection.newStream(protocol)
      const received: Uint8Array[] = []
      let reset = false
      const ended = new Promise<void>(resolve => {
        stream.addEventListener('message', (evt) => { received.push(evt.data.subarray()) })
        stream.addEventListener('close', (evt) => { if ((evt as { error?: Error }).error !== undefined) reset = true; resolve() })
      })
      try {
        for (const frame of frames) {
          const bytes = opts.framed === false ? frame : lp.encode.single(frame).subarray()
          if (!stream.send(bytes)) await stream.onDrain()
        }
        await stream.close()
      } catch {
        reset = true
      }
      const timeout = opts.readForMs ?? 2000
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([ended, new Promise<void>(resolve => { timer = setTimeout(resolve, timeout) })])
      clearTimeout(timer)
      if (stream.status !== 'closed') stream.abort(new Error('hostile peer done'))
      return { received, reset }
    },
    stop: async () => { await libp2p.stop() }
  }
}
