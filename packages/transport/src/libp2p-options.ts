import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { preSharedKey } from '@libp2p/pnet'
import { sha256 } from '@noble/hashes/sha2.js'
import { pskBytes, protocolFor } from './network-config.js'
import type { ListenKind, ResolvedNetworkConfig } from './network-config.js'
import type { MessageIdFn, TransportOptions } from './types.js'
import type { GossipSub } from '@libp2p/gossipsub'
import type { KadDHT } from '@libp2p/kad-dht'
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { Libp2pOptions } from 'libp2p'

/** The services every Pipes node runs. */
// a type alias (not an interface) so it satisfies libp2p's ServiceMap index signature
export type PipesServices = {
  identify: ReturnType<ReturnType<typeof identify>>
  ping: ReturnType<ReturnType<typeof ping>>
  dht: KadDHT
  pubsub: GossipSub
  relay?: unknown
}

/**
 * Muxer flow control. A paused stream stops granting yamux window, but the
 * remote may still send what it was already granted, and libp2p resets a
 * stream whose paused read buffer passes `maxReadBufferLength`. yamux lets a
 * stream's window grow to 16 MiB against a 4 MiB buffer by default, so a
 * fast sender could get a slow reader's stream reset mid-sync. Capping the
 * window below the buffer makes pausing always safe; 4 MiB of window is far
 * more than a loopback or LAN round trip needs.
 */
const MUXER_STREAM_OPTIONS = {
  maxStreamWindowSize: 4 * 1024 * 1024,
  maxReadBufferLength: 8 * 1024 * 1024
}

/** The runtime profile of a transport: what differs between Node and the browser. */
export interface RuntimeProfile {
  /** `'node'` or `'browser'`. */
  name: string
  /** Listen kinds this runtime can serve. */
  listenKinds: ReadonlySet<ListenKind>
  /** Transports to dial (and listen) with. */
  transports: () => NonNullable<Libp2pOptions['transports']>
  /** Extra discovery (mDNS in Node) when the network asks for it. */
  discovery: (network: ResolvedNetworkConfig) => NonNullable<Libp2pOptions['peerDiscovery']>
}

/** The gossipsub protocol ids of a network (also its membership marker). */
export function meshProtocols (networkId: string): string[] {
  return [protocolFor(networkId, 'meshsub', '1.2.0')]
}

/** The DHT protocol id of a network. */
export function dhtProtocol (networkId: string): string {
  return protocolFor(networkId, 'kad', '1.0.0')
}

/** The default message id: sha256 of the data. */
export const sha256MessageId: MessageIdFn = (data) => sha256(data)

export interface BuildInit {
  network: ResolvedNetworkConfig
  privateKey: PrivateKey
  runtime: RuntimeProfile
  gater: ConnectionGater
  datastore?: Datastore
  messageId: MessageIdFn
  options: TransportOptions
}

/** Builds the libp2p options of one Pipes node. */
export function buildLibp2pOptions (init: BuildInit): Libp2pOptions<PipesServices> {
  const { network, options, runtime } = init
  const relay = network.relay
  const listening = network.listen.length > 0
  const services: Record<string, unknown> = {
    // standard identify, so peers of another network can be recognised and refused
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      protocol: dhtProtocol(network.id),
      // a node that listens serves the DHT (loopback and LAN included); a
      // dial-only node (browser) is a client
      clientMode: !listening,
      // keep private and loopback addresses: Pipes networks live on LANs too
      peerInfoMapper: passthroughMapper,
      querySelfInterval: options.dhtQuerySelfIntervalMs ?? 5 * 60_000,
      initialQuerySelfInterval: options.dhtInitialQuerySelfMs ?? 1000,
      datastorePrefix: `/pipes/${network.id}/dht`,
      logPrefix: `libp2p:pipes:${network.id}:dht`,
      metricsPrefix: 'pipes_dht'
    }),
    pubsub: gossipsub({
      globalSignaturePolicy: StrictNoSign,
      msgIdFn: async (msg) => await init.messageId(msg.data, msg.topic),
      allowPublishToZeroTopicPeers: true,
      emitSelf: false,
      fallbackToFloodsub: false,
      protocols: meshProtocols(network.id), // ignored by 17.1.1; also set on the instance (createTransportOn)
      heartbeatInterval: options.heartbeatMs ?? 1000,
      doPX: relay
    })
  }
  if (relay) {
    services.relay = circuitRelayServer({ reservations: { maxReservations: 256 } })
  }
  const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = []
  if (network.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: network.bootstrap, timeout: 0 }))
  peerDiscovery.push(...runtime.discovery(network))

  return {
    privateKey: init.privateKey,
    start: false,
    addresses: { listen: network.listen },
    transports: runtime.transports(),
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: MUXER_STREAM_OPTIONS })],
    ...(network.psk === undefined ? {} : { connectionProtector: preSharedKey({ psk: pskBytes(network.psk) }) }),
    connectionGater: init.gater,
    connectionManager: relay
      ? { maxConnections: 2000, maxIncomingPendingConnections: 200, inboundConnectionThreshold: 200, maxParallelDials: 200, dialTimeout: options.dialTimeoutMs ?? 10_000 }
      : { maxConnections: 300, inboundConnectionThreshold: 50, dialTimeout: options.dialTimeoutMs ?? 10_000 },
    peerDiscovery,
    ...(init.datastore === undefined ? {} : { datastore: init.datastore }),
    services: services as unknown as Libp2pOptions<PipesServices>['services']
  }
}
