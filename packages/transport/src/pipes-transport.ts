import { TopicValidatorResult } from '@libp2p/gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { FrameTooLargeError, InvalidNetworkConfigError, PeerNotFoundError, TransportStoppedError } from './errors.js'
import { FloodGuard } from './flood-guard.js'
import { DEFAULT_MAX_FRAME_BYTES, Libp2pFrameStream } from './frame-stream.js'
import { privateKeyOf } from './identity-key.js'
import { buildLibp2pOptions, meshProtocols, sha256MessageId } from './libp2p-options.js'
import { listenKind, resolveNetworkConfig } from './network-config.js'
import { parseDialTarget, parsePeerId, peerIdOfAddr, withPeerId } from './peer-address.js'
import { Redialer } from './redialer.js'
import { forgetBackoff, scoreTopic } from './topic-score.js'
import type { FrameStream } from './frame-stream.js'
import type { PipesServices, RuntimeProfile } from './libp2p-options.js'
import type { ResolvedNetworkConfig } from './network-config.js'
import type {
  CreateTransportInit, MessageHandler, MessageIdFn, MessageValidator, PublishResult, StreamHandler,
  TopicStats, Transport, TransportEvents, TransportMessage, TransportOptions, TransportStats, Validation
} from './types.js'
import type { Message, TopicValidatorFn } from '@libp2p/gossipsub'
import type { ConnectionGater, IdentifyResult, Libp2p, PeerId, PeerInfo } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

interface Subscription { handler: MessageHandler, validate: MessageValidator | undefined }

/** How long a peer of another network stays refused after it was seen. */
const FOREIGN_PEER_TTL_MS = 10 * 60_000

const VERDICTS: Record<Validation, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject
}

type Counters = Omit<TransportStats, 'topics' | 'peers' | 'connections' | 'bannedPeers'>

/** Builds and starts (unless `start: false`) a transport on a runtime (Node or browser). */
export async function createTransportOn (runtime: RuntimeProfile, init: CreateTransportInit): Promise<Transport> {
  const network = resolveNetworkConfig(init?.network)
  for (const [i, addr] of network.listen.entries()) {
    const kind = listenKind(multiaddr(addr))
    if (kind !== undefined && !runtime.listenKinds.has(kind)) {
      throw new InvalidNetworkConfigError(`listen[${i}]`, `this runtime (${runtime.name}) cannot listen on "${addr}"`)
    }
  }
  const privateKey = await privateKeyOf(init.identity)
  const transport = new PipesTransport(network, init.options ?? {}, init.messageId ?? sha256MessageId)
  const libp2p = await createLibp2p<PipesServices>(buildLibp2pOptions({
    network,
    privateKey,
    runtime,
    gater: transport.gater,
    datastore: init.datastore,
    messageId: async (data, topic) => await transport.messageIdOf(data, topic),
    options: init.options ?? {}
  }))
  // gossipsub 17.1.1 ignores its `protocols` option; its public `protocols`
  // field is read at start, so network-scope it here
  libp2p.services.pubsub.protocols.splice(0, Infinity, ...meshProtocols(network.id))
  transport.attach(libp2p)
  if (init.start !== false) await transport.start()
  return transport
}

/** The libp2p-backed {@link Transport}. Build it with `createTransport`. */
export class PipesTransport extends EventTarget implements Transport {
  readonly network: ResolvedNetworkConfig
  readonly #options: TransportOptions
  #messageId: MessageIdFn
  #libp2p: Libp2p<PipesServices> | undefined
  #started = false
  #starting: Promise<void> | undefined
  #controller = new AbortController()
  readonly #subs = new Map<string, Set<Subscription>>()
  readonly #topicStats = new Map<string, TopicStats>()
  readonly #counters: Counters = {
    published: 0, duplicatePublishes: 0, oversizedFrames: 0, handlerErrors: 0, redials: 0, redialSuccesses: 0, redialFailures: 0, foreignPeers: 0, floodCutoffs: 0, bannedMessages: 0
  }

  readonly #members = new Set<string>()
  readonly #blocked = new Set<string>()
  readonly #foreign = new Map<string, number>()
  readonly #flood: FloodGuard
  readonly #bootstrapAddrs = new Map<string, Multiaddr>()
  readonly #marker: string
  #redialer: Redialer | undefined

  /** The connection gater that enforces blocks and refuses foreign peers. */
  readonly gater: ConnectionGater

  constructor (network: ResolvedNetworkConfig, options: TransportOptions, messageId: MessageIdFn) {
    super()
    this.network = network
    this.#options = options
    this.#messageId = messageId
    this.#flood = new FloodGuard(options.floodBudget)
    this.#marker = meshProtocols(network.id)[0] ?? ''
    for (const addr of network.bootstrap) {
      const ma = multiaddr(addr)
      const id = peerIdOfAddr(ma)
      if (id !== undefined) this.#bootstrapAddrs.set(id, ma)
    }
    const excluded = (peer: PeerId): boolean => this.#excluded(peer.toString())
    this.gater = {
      // allow loopback and private addresses (LAN networks, tests, browsers dialing 127.0.0.1)
      denyDialMultiaddr: () => false,
      denyDialPeer: excluded,
      denyInboundEncryptedConnection: excluded,
      denyOutboundEncryptedConnection: excluded
    }
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
      isConnected: (peerId) => this.#members.has(peerId) || libp2p.getConnections(parsePeerId(peerId)).length > 0,
      isExcluded: (peerId) => this.#excluded(peerId),
      onAttempt: (_peerId, ok) => {
        this.#counters.redials++
        if (ok) this.#counters.redialSuccesses++
        else this.#counters.redialFailures++
      }
    }, this.#bootstrapAddrs.keys(), this.#options.redial)

    libp2p.addEventListener('peer:identify', (evt) => { this.#onIdentify(evt.detail) })
    libp2p.addEventListener('peer:disconnect', (evt) => {
      const peerId = evt.detail.toString()
      forgetBackoff(libp2p.services.pubsub, peerId)
      this.#onDisconnect(peerId)
    })
    libp2p.addEventListener('peer:discovery', (evt) => { this.#onDiscovery(evt.detail) })
    libp2p.services.pubsub.addEventListener('gossipsub:message', (evt) => {
      const { propagationSource, msg } = evt.detail
      this.#deliver(msg, propagationSource.toString())
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
      const pubsub = libp2p.services.pubsub
      for (const topic of this.#subs.keys()) {
        pubsub.topicValidators.set(topic, this.#validatorFor(topic))
        scoreTopic(pubsub, topic)
        pubsub.subscribe(topic)
      }
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
    this.#members.clear()
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
    const sub: Subscription = { handler, validate }
    let subs = this.#subs.get(topic)
    if (subs === undefined) {
      subs = new Set()
      this.#subs.set(topic, subs)
      if (this.#started) {
        const pubsub = this.libp2p.services.pubsub
        pubsub.topicValidators.set(topic, this.#validatorFor(topic))
        scoreTopic(pubsub, topic)
        pubsub.subscribe(topic)
      }
    }
    subs.add(sub)
    return () => {
      const current = this.#subs.get(topic)
      if (current === undefined || !current.delete(sub) || current.size > 0) return
      this.#subs.delete(topic)
      if (this.#started) {
        const pubsub = this.libp2p.services.pubsub
        pubsub.unsubscribe(topic)
        pubsub.topicValidators.delete(topic)
      }
    }
  }

  #statsOf (topic: string): TopicStats {
    let stats = this.#topicStats.get(topic)
    if (stats === undefined) {
      stats = { accepted: 0, ignored: 0, rejected: 0, validatorErrors: 0 }
      this.#topicStats.set(topic, stats)
    }
    return stats
  }

  #validatorFor (topic: string): TopicValidatorFn {
    return async (peer, msg) => {
      const stats = this.#statsOf(topic)
      const from = peer.toString()
      // cheapest check first: the rest of a cut-off peer's RPC frame is not decoded or verified
      if (this.#flood.isBanned(from)) {
        this.#counters.bannedMessages++
        return TopicValidatorResult.Reject
      }
      const message: TransportMessage = { topic, data: msg.data, from }
      let verdict: Validation = 'accept'
      try {
        for (const sub of this.#subs.get(topic) ?? []) {
          if (sub.validate === undefined) continue
          const result = await sub.validate(message)
          if (result === 'reject') { verdict = 'reject'; break }
          if (result === 'ignore') verdict = 'ignore'
          else if (result !== 'accept') throw new TypeError(`validator returned ${String(result)}`)
        }
      } catch {
        // a validator that throws is a bug on our side, not proof the peer misbehaved
        stats.validatorErrors++
        verdict = 'ignore'
      }
      if (verdict === 'accept') stats.accepted++
      else if (verdict === 'ignore') stats.ignored++
      else {
        stats.rejected++
        if (this.#flood.reject(from)) this.#cutOff(peer)
      }
      return VERDICTS[verdict]
    }
  }

  #deliver (msg: Message, from: string): void {
    const subs = this.#subs.get(msg.topic)
    if (subs === undefined) return
    const message: TransportMessage = { topic: msg.topic, data: msg.data, from }
    for (const sub of [...subs]) {
      try {
        sub.handler(message)
      } catch {
        this.#counters.handlerErrors++
      }
    }
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
    return [...this.#members]
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
    this.#blocked.add(peerId)
    this.#redialer?.forget(peerId)
    if (this.#started) await this.libp2p.hangUp(id)
  }

  unblock (peerId: string): void {
    this.#blocked.delete(peerId)
  }

  stats (): TransportStats {
    const topics: Record<string, TopicStats> = {}
    for (const [topic, stats] of this.#topicStats) topics[topic] = { ...stats }
    return {
      topics,
      ...this.#counters,
      bannedPeers: this.#flood.banned().length,
      peers: this.#members.size,
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

  #excluded (peerId: string): boolean {
    if (this.#blocked.has(peerId) || this.#flood.isBanned(peerId)) return true
    const until = this.#foreign.get(peerId)
    if (until === undefined) return false
    if (until > Date.now()) return true
    this.#foreign.delete(peerId)
    return false
  }

  #onIdentify (result: IdentifyResult): void {
    const peerId = result.peerId.toString()
    if (!this.#started) return
    if (!result.protocols.includes(this.#marker)) {
      // a peer of another network (or not a Pipes node): refuse it for a while
      this.#counters.foreignPeers++
      this.#foreign.set(peerId, Date.now() + FOREIGN_PEER_TTL_MS)
      this.#redialer?.forget(peerId)
      void this.libp2p.hangUp(result.peerId).catch(() => {})
      return
    }
    if (this.#members.has(peerId) || this.libp2p.getConnections(result.peerId).length === 0) return
    this.#members.add(peerId)
    this.#redialer?.connected(peerId)
    this.dispatchEvent(new CustomEvent('peer:connect', { detail: peerId }))
  }

  #onDisconnect (peerId: string): void {
    if (!this.#members.delete(peerId)) return
    this.dispatchEvent(new CustomEvent('peer:disconnect', { detail: peerId }))
    if (this.#started && !this.#excluded(peerId)) this.#redialer?.disconnected(peerId)
  }

  #onDiscovery (peer: PeerInfo): void {
    if (!this.#started) return
    const peerId = peer.id.toString()
    const libp2p = this.libp2p
    if (peerId === this.peerId || this.#excluded(peerId) || libp2p.getConnections(peer.id).length > 0) return
    if (libp2p.getPeers().length >= (this.#options.minConnections ?? 8)) return
    void libp2p.dial(peer.id, { signal: this.#signal(undefined) }).catch(() => {})
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
