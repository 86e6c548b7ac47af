import { multiaddr } from '@multiformats/multiaddr'
import { FrameTooLargeError, PeerNotFoundError, TransportStoppedError } from './errors.js'
import { FloodGuard } from './flood-guard.js'
import { DEFAULT_MAX_FRAME_BYTES, Libp2pFrameStream } from './frame-stream.js'
import { meshProtocols } from './libp2p-options.js'
import { parseDialTarget, parsePeerId, peerIdOfAddr, withPeerId } from './peer-address.js'
import { PeerGate } from './peer-gate.js'
import { Redialer } from './redialer.js'
import { TopicRouter } from './topic-router.js'
import { forgetBackoff } from './topic-score.js'
import type { FrameStream } from './frame-stream.js'
import type { PipesServices } from './libp2p-options.js'
import type { ResolvedNetworkConfig } from './network-config.js'
import type {
  MessageHandler, MessageIdFn, MessageValidator, PublishResult, StreamHandler,
  Transport, TransportEvents, TransportOptions, TransportStats
} from './types.js'
import type { ConnectionGater, Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

type Counters = Omit<TransportStats, 'topics' | 'peers' | 'connections' | 'bannedPeers'>

/**
 * The libp2p-backed {@link Transport}. Build it with `createTransport`. Its
 * parts: the gossip topics ({@link TopicRouter}), which peers are let in
 * ({@link PeerGate}), redials ({@link Redialer}); this class runs libp2p
 * and streams and answers the `Transport` calls.
 */
export class PipesTransport extends EventTarget implements Transport {
  readonly network: ResolvedNetworkConfig
  readonly #options: TransportOptions
  #messageId: MessageIdFn
  #libp2p: Libp2p<PipesServices> | undefined
  #started = false
  #starting: Promise<void> | undefined
  #controller = new AbortController()
  readonly #topics: TopicRouter
  readonly #peers: PeerGate
  readonly #counters: Counters = {
    published: 0, duplicatePublishes: 0, oversizedFrames: 0, handlerErrors: 0, redials: 0, redialSuccesses: 0, redialFailures: 0, foreignPeers: 0, floodCutoffs: 0, bannedMessages: 0
  }

  readonly #flood: FloodGuard
  readonly #bootstrapAddrs = new Map<string, Multiaddr>()
  #redialer: Redialer | undefined

  /** The connection gater that enforces blocks and refuses foreign peers. */
  readonly gater: ConnectionGater

  constructor (network: ResolvedNetworkConfig, options: TransportOptions, messageId: MessageIdFn) {
    super()
    this.network = network
    this.#options = options
    this.#messageId = messageId
    this.#flood = new FloodGuard(options.floodBudget)
    for (const addr of network.bootstrap) {
      const ma = multiaddr(addr)
      const id = peerIdOfAddr(ma)
      if (id !== undefined) this.#bootstrapAddrs.set(id, ma)
    }
    this.#topics = new TopicRouter({
      pubsub: () => this.#started ? this.libp2p.services.pubsub : undefined,
      flood: this.#flood,
      counters: this.#counters,
      cutOff: (peer) => { this.#cutOff(peer) }
    })
    this.#peers = new PeerGate({
      flood: this.#flood,
      marker: meshProtocols(network.id)[0] ?? '',
      minConnections: options.minConnections ?? 8,
      counters: this.#counters,
      started: () => this.#started,
      libp2p: () => this.libp2p,
      redialer: () => this.#redialer,
      dialSignal: () => this.#signal(undefined),
      dispatchEvent: (event) => this.dispatchEvent(event)
    })
    this.gater = this.#peers.gater
  }

  useMessageId (fn: MessageIdFn): void {
    this.#messageId = fn
  }

  /** The gossipsub message id of `data` on `topic` (what gossipsub asks for every message). */
  async messageIdOf (data: Uint8Array, topic: string): Promise<Uint8Array> {
    return await this.#messageId(data, topic)
  }

  /** Binds the libp2p node; called once by `createTransport`. */
  attach (libp2p: Libp2p<PipesServices>): void {
    this.#libp2p = libp2p
    this.#redialer = new Redialer({
      dial: async (peerId, signal) => {
        const addr = this.#bootstrapAddrs.get(peerId)
        await libp2p.dial(addr ?? parsePeerId(peerId), { signal })
      },
      isConnected: (peerId) => this.#peers.isMember(peerId) || libp2p.getConnections(parsePeerId(peerId)).length > 0,
      isExcluded: (peerId) => this.#peers.excluded(peerId),
      onAttempt: (_peerId, ok) => {
        this.#counters.redials++
        if (ok) this.#counters.redialSuccesses++
        else this.#counters.redialFailures++
      }
    }, this.#bootstrapAddrs.keys(), this.#options.redial)

    libp2p.addEventListener('peer:identify', (evt) => { this.#peers.onIdentify(evt.detail) })
    libp2p.addEventListener('peer:disconnect', (evt) => {
      const peerId = evt.detail.toString()
      forgetBackoff(libp2p.services.pubsub, peerId)
      this.#peers.onDisconnect(peerId)
    })
    libp2p.addEventListener('peer:discovery', (evt) => { this.#peers.onDiscovery(evt.detail) })
    libp2p.services.pubsub.addEventListener('gossipsub:message', (evt) => {
      const { propagationSource, msg } = evt.detail
      this.#topics.deliver(msg, propagationSource.toString())
    })
  }

  /** The libp2p node; outside the narrow `Transport` interface (see `libp2pOf`). */
  get libp2p (): Libp2p<PipesServices> {
    if (this.#libp2p === undefined) throw new TransportStoppedError('use libp2p before createTransport finished')
    return this.#libp2p
  }

  get peerId (): string {
    return this.libp2p.peerId.toString()
  }

  get started (): boolean {
    return this.#started
  }

  async start (): Promise<void> {
    if (this.#started) return
    if (this.#starting !== undefined) { await this.#starting; return }
    this.#starting = (async () => {
      const libp2p = this.libp2p
      this.#controller = new AbortController()
      await libp2p.start()
      this.#topics.joinAll(libp2p.services.pubsub)
      this.#started = true
      this.#redialer?.start()
    })()
    try {
      await this.#starting
    } finally {
      this.#starting = undefined
    }
  }

  async stop (): Promise<void> {
    if (this.#starting !== undefined) await this.#starting.catch(() => {})
    if (!this.#started) return
    this.#started = false
    this.#redialer?.stop()
    this.#controller.abort()
    await this.libp2p.stop()
    this.#peers.clear()
  }

  async publish (topic: string, data: Uint8Array): Promise<PublishResult> {
    if (!this.#started) throw new TransportStoppedError('publish')
    try {
      const result = await this.libp2p.services.pubsub.publish(topic, data)
      this.#counters.published++
      return { recipients: result.recipients.length, duplicate: false }
    } catch (err) {
      // Gossipsub refuses a message id it has already seen; for us that is a
      // no-op (the message is out there), not a failure of the caller.
      if ((err as Error).message === 'PublishError.Duplicate') {
        this.#counters.duplicatePublishes++
        return { recipients: 0, duplicate: true }
      }
      throw err
    }
  }

  subscribe (topic: string, handler: MessageHandler, validate?: MessageValidator): () => void {
    return this.#topics.subscribe(topic, handler, validate)
  }

  async handle (protocol: string, handler: StreamHandler, options?: { maxFrameBytes?: number }): Promise<void> {
    const maxFrameBytes = options?.maxFrameBytes ?? this.#options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
    await this.libp2p.handle(protocol, async (stream, connection) => {
      const frames = new Libp2pFrameStream(stream, {
        remotePeer: connection.remotePeer.toString(),
        maxFrameBytes,
        onOversized: () => { this.#counters.oversizedFrames++ }
      })
      try {
        await handler(frames)
      } catch (err) {
        if (!(err instanceof FrameTooLargeError)) this.#counters.handlerErrors++
        frames.abort(err instanceof Error ? err : new Error(String(err)))
      }
    }, { force: true, runOnLimitedConnection: true })
  }

  async unhandle (protocol: string): Promise<void> {
    await this.libp2p.unhandle(protocol)
  }

  async dialProtocol (peerId: string, protocol: string, options?: { signal?: AbortSignal, maxFrameBytes?: number }): Promise<FrameStream> {
    if (!this.#started) throw new TransportStoppedError(`open ${protocol}`)
    const target = parsePeerId(peerId)
    const stream = await this.libp2p.dialProtocol(target, protocol, { signal: this.#signal(options?.signal), runOnLimitedConnection: true })
    return new Libp2pFrameStream(stream, {
      remotePeer: target.toString(),
      maxFrameBytes: options?.maxFrameBytes ?? this.#options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      onOversized: () => { this.#counters.oversizedFrames++ }
    })
  }

  peers (): string[] {
    return this.#peers.members()
  }

  subscribers (topic: string): string[] {
    if (!this.#started) return []
    return this.libp2p.services.pubsub.getSubscribers(topic).map(peer => peer.toString())
  }

  meshPeers (topic: string): string[] {
    if (!this.#started) return []
    // the running router has getMeshPeers; the GossipSub interface type does not list it
    const router = this.libp2p.services.pubsub as unknown as { getMeshPeers?: (topic: string) => string[] }
    return router.getMeshPeers?.(topic) ?? []
  }

  addresses (): string[] {
    const self = this.peerId
    return this.libp2p.getMultiaddrs().map(addr => withPeerId(addr, self))
  }

  async findPeer (peerId: string, options?: { signal?: AbortSignal }): Promise<string[]> {
    if (!this.#started) throw new TransportStoppedError('find a peer')
    const id = parsePeerId(peerId)
    try {
      const known = await this.libp2p.peerStore.get(id)
      if (known.addresses.length > 0) return known.addresses.map(a => withPeerId(a.multiaddr, peerId))
    } catch {
      // not in the peer store: ask the DHT
    }
    try {
      const found = await this.libp2p.peerRouting.findPeer(id, { signal: this.#signal(options?.signal, 3) })
      if (found.multiaddrs.length > 0) return found.multiaddrs.map(a => withPeerId(a, peerId))
    } catch (err) {
      throw new PeerNotFoundError(peerId, { cause: err })
    }
    throw new PeerNotFoundError(peerId)
  }

  async dial (addrOrPeer: string, options?: { signal?: AbortSignal }): Promise<void> {
    if (!this.#started) throw new TransportStoppedError('dial')
    await this.libp2p.dial(parseDialTarget(addrOrPeer), { signal: this.#signal(options?.signal) })
  }

  async hangUp (peerId: string): Promise<void> {
    const id = parsePeerId(peerId)
    this.#redialer?.forget(peerId)
    await this.libp2p.hangUp(id)
  }

  async block (peerId: string): Promise<void> {
    const id = parsePeerId(peerId)
    this.#peers.block(peerId)
    this.#redialer?.forget(peerId)
    if (this.#started) await this.libp2p.hangUp(id)
  }

  unblock (peerId: string): void {
    this.#peers.unblock(peerId)
  }

  stats (): TransportStats {
    return {
      topics: this.#topics.stats(),
      ...this.#counters,
      bannedPeers: this.#flood.banned().length,
      peers: this.#peers.size,
      connections: this.#libp2p?.getConnections().length ?? 0
    }
  }

  override addEventListener<K extends keyof TransportEvents>(type: K, listener: ((evt: TransportEvents[K]) => void) | null, options?: boolean | AddEventListenerOptions): void
  override addEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void
  override addEventListener (type: string, listener: EventListenerOrEventListenerObject | ((evt: CustomEvent<string>) => void) | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options)
  }

  override removeEventListener<K extends keyof TransportEvents>(type: K, listener: ((evt: TransportEvents[K]) => void) | null, options?: boolean | EventListenerOptions): void
  override removeEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void
  override removeEventListener (type: string, listener: EventListenerOrEventListenerObject | ((evt: CustomEvent<string>) => void) | null, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject | null, options)
  }

  /** The caller's signal, bounded by the dial timeout (times `factor`). */
  #signal (signal: AbortSignal | undefined, factor = 1): AbortSignal {
    const signals = [this.#controller.signal, AbortSignal.timeout((this.#options.dialTimeoutMs ?? 10_000) * factor)]
    if (signal !== undefined) signals.push(signal)
    return AbortSignal.any(signals)
  }

  /** A peer went over its flood budget: hang up; the gater refuses it until its ban ends. */
  #cutOff (peer: PeerId): void {
    this.#counters.floodCutoffs++
    this.#redialer?.forget(peer.toString())
    if (this.#started) void this.libp2p.hangUp(peer).catch(() => {})
  }
}

/**
 * The libp2p node under a transport built by `createTransport`, for tests,
 * benchmarks and diagnostics that need libp2p itself (services: identify,
 * ping, dht, pubsub, relay). Not part of the narrow {@link Transport}
 * interface: code that uses it depends on libp2p's internals.
 *
 * @throws {@link TypeError} for a transport not built by `createTransport`.
 */
export function libp2pOf (transport: Transport): Libp2p<PipesServices> {
  if (!(transport instanceof PipesTransport)) throw new TypeError('libp2pOf() takes a transport built by createTransport')
  return transport.libp2p
}
