import type { FrameStream } from './frame-stream.js'
import type { NetworkConfig, ResolvedNetworkConfig } from './network-config.js'
import type { FloodBudgetOptions } from './flood-guard.js'
import type { RedialOptions } from './redialer.js'
import type { Datastore } from 'interface-datastore'

/** What a validator decides about a pubsub message. `reject` also lowers the forwarder's gossipsub score and counts against its flood budget. */
export type Validation = 'accept' | 'ignore' | 'reject'

/** A pubsub message as subscribers see it. */
export interface TransportMessage {
  /** The topic it arrived on. */
  topic: string
  /** The message bytes. */
  data: Uint8Array
  /** Peer id of the peer that forwarded it to us (not necessarily its author: messages are unsigned at this layer). */
  from: string
}

/** Receives accepted messages of a topic. */
export type MessageHandler = (msg: TransportMessage) => void
/** Decides whether a message is delivered and relayed. */
export type MessageValidator = (msg: TransportMessage) => Validation | Promise<Validation>
/** Handles one inbound protocol stream. */
export type StreamHandler = (stream: FrameStream) => void | Promise<void>
/** Gossipsub message id of a message; equal ids are delivered once. */
export type MessageIdFn = (data: Uint8Array, topic: string) => Uint8Array | Promise<Uint8Array>

/** The identity a transport runs as: a `LocalIdentity` from `@pipes/identity` fits. */
export interface TransportIdentity {
  /** libp2p peer id string of the key. */
  readonly id: string
  /** 32-byte ed25519 public key. */
  readonly publicKey: Uint8Array
  /** 32-byte ed25519 seed. */
  readonly secretKey: Uint8Array
}

/** Timings and limits; the defaults suit real networks, tests shorten them. */
export interface TransportOptions {
  /** Gossipsub heartbeat interval in ms. Default 1000. */
  heartbeatMs?: number
  /** Redial backoff of lost bootstrap and recent peers. */
  redial?: RedialOptions
  /** Default frame size limit of protocol streams, in bytes. Default 4 MiB. */
  maxFrameBytes?: number
  /** While fewer peers than this are connected, discovered peers (mDNS, DHT) are dialed. Default 8. */
  minConnections?: number
  /** How often the DHT refreshes its own neighbourhood, in ms. Default 5 minutes. */
  dhtQuerySelfIntervalMs?: number
  /** Delay before the first DHT self-query after start, in ms. Default 1000. */
  dhtInitialQuerySelfMs?: number
  /** Timeout of one dial, in ms. Default 10_000. */
  dialTimeoutMs?: number
  /**
   * Budget of invalid input per peer: every message a validator rejects is
   * charged to the peer that forwarded it; a peer over its budget is hung up
   * on and refused for a while, across reconnects. Default: 32 rejects within
   * 10 s, refused for 5 minutes.
   */
  floodBudget?: FloodBudgetOptions
}

/** Arguments of `createTransport`. */
export interface CreateTransportInit {
  /** The identity this node runs as; the libp2p peer id is `identity.id`. */
  identity: TransportIdentity
  /** The network to join. */
  network: NetworkConfig
  /** Where libp2p keeps the peer store and DHT records. Default: in memory. */
  datastore?: Datastore
  /** Gossipsub message id. Default: sha256 of the data. */
  messageId?: MessageIdFn
  /** Timings and limits. */
  options?: TransportOptions
  /** Start at once. Default `true`; with `false`, call `start()`. */
  start?: boolean
}

/** Counters of one topic. */
export interface TopicStats {
  accepted: number
  ignored: number
  rejected: number
  /** Validators that threw (the message was ignored). */
  validatorErrors: number
}

/** Counters of a transport since it was created. */
export interface TransportStats {
  /** Per topic: validation outcomes of received messages. */
  topics: Record<string, TopicStats>
  /** Messages published by this node. */
  published: number
  /** Publishes skipped because a message with the same id was already published or seen. */
  duplicatePublishes: number
  /** Inbound stream frames over the limit (each aborted its stream). */
  oversizedFrames: number
  /** Stream handlers that threw (their stream was aborted). */
  handlerErrors: number
  /** Redial attempts of lost peers, and how they ended. */
  redials: number
  redialSuccesses: number
  redialFailures: number
  /** Peers hung up on because they belong to another network. */
  foreignPeers: number
  /** Times a peer went over its budget of rejected messages and was cut off (see `floodBudget`). */
  floodCutoffs: number
  /** Messages dropped unvalidated because their forwarder was cut off already. */
  bannedMessages: number
  /** Peers cut off for flooding now (refused until their ban ends). */
  bannedPeers: number
  /** Peers connected now (same network, identified). */
  peers: number
  /** Open libp2p connections now. */
  connections: number
}

/** Events of a transport; `detail` is the peer id string. */
export interface TransportEvents {
  'peer:connect': CustomEvent<string>
  'peer:disconnect': CustomEvent<string>
}

/** Result of a publish. */
export interface PublishResult {
  /** Peers the message was sent to directly (0 is fine: nobody subscribed yet). */
  recipients: number
  /** True when a message with the same id was already published or seen: nothing was sent again. */
  duplicate: boolean
}

/**
 * The narrow view of the network that pipelines use: pubsub with a
 * validator, framed protocol streams, peers and their events.
 */
export interface Transport extends EventTarget {
  /** This node's peer id (the identity's id). */
  readonly peerId: string
  /** The network config, validated, with defaults filled in. */
  readonly network: ResolvedNetworkConfig
  /** True between `start()` and `stop()`. */
  readonly started: boolean
  /** Starts the node (listeners, discovery, redial). Idempotent. */
  start (): Promise<void>
  /** Stops the node; no timer or socket is left. Idempotent. */
  stop (): Promise<void>
  /**
   * Publishes on a topic. Resolves once sent to the mesh (no delivery
   * guarantee). Publishing with no subscriber is fine.
   *
   * @throws {@link TransportStoppedError} when not started.
   */
  publish (topic: string, data: Uint8Array): Promise<PublishResult>
  /**
   * Subscribes to a topic. `validate` runs on every received message before
   * it is delivered or relayed (all validators of a topic must accept it).
   * Returns the unsubscribe function.
   */
  subscribe (topic: string, handler: MessageHandler, validate?: MessageValidator): () => void
  /** Handles inbound streams of a protocol; frames over `maxFrameBytes` abort the stream. */
  handle (protocol: string, handler: StreamHandler, options?: { maxFrameBytes?: number }): Promise<void>
  /** Stops handling a protocol. */
  unhandle (protocol: string): Promise<void>
  /** Opens a framed stream to a peer (dialing it if needed). */
  dialProtocol (peerId: string, protocol: string, options?: { signal?: AbortSignal, maxFrameBytes?: number }): Promise<FrameStream>
  /** Peers connected now (same network). */
  peers (): string[]
  /** Connected peers that gossipsub sees subscribed to `topic` (a publish can reach them once they are meshed). */
  subscribers (topic: string): string[]
  /** Peers in this node's gossipsub mesh for `topic`: a publish goes to these at once. */
  meshPeers (topic: string): string[]
  /** Addresses others can dial us on, each ending in `/p2p/<our id>`. */
  addresses (): string[]
  /**
   * Addresses of a peer: from the peer store, else from the DHT.
   *
   * @throws {@link PeerNotFoundError} when neither knows the peer.
   */
  findPeer (peerId: string, options?: { signal?: AbortSignal }): Promise<string[]>
  /** Connects to a multiaddr (with `/p2p/<id>`) or a peer id. */
  dial (addrOrPeer: string, options?: { signal?: AbortSignal }): Promise<void>
  /** Closes every connection to a peer; it is not redialed until it connects again. */
  hangUp (peerId: string): Promise<void>
  /** Refuses every connection to and from a peer (and closes the current ones) until `unblock`. */
  block (peerId: string): Promise<void>
  /** Lifts a `block`. */
  unblock (peerId: string): void
  /**
   * Sets the gossipsub message id of every message from now on, replacing
   * `createTransport`'s `messageId`. The layer that gives messages their
   * meaning sets it where it is built (`createPipesNode` sets the entry id),
   * so no one assembling a node has to remember it.
   */
  useMessageId (fn: MessageIdFn): void
  /** Counters. */
  stats (): TransportStats
  /** Listens to `peer:connect` / `peer:disconnect` (detail: the peer id). */
  addEventListener<K extends keyof TransportEvents>(type: K, listener: ((evt: TransportEvents[K]) => void) | null, options?: boolean | AddEventListenerOptions): void
  addEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void
  removeEventListener<K extends keyof TransportEvents>(type: K, listener: ((evt: TransportEvents[K]) => void) | null, options?: boolean | EventListenerOptions): void
  removeEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void
}
