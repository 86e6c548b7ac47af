import { ClosedError, NoDatastoreError, NotConnectedError } from './errors.js'
import { Mutex, TypedEventTarget } from '@pipes/interface'
import type { OpenedDatastore } from './storage.js'
import type { LocalIdentity } from '@pipes/identity'
import type { CreatePipelineOptions, DurableStore, EncryptedPipeline, NodeStats, Pipeline, PipesNode, PointToPointPipeline } from '@pipes/pipeline'
import type { NetworkConfig, Transport, TransportStats } from '@pipes/transport'
import type { Datastore } from 'interface-datastore'

/** The events a {@link PlatformNode} dispatches (`node.addEventListener(name, e => e.detail)`). */
export interface PlatformNodeEvents {
  /** `connect()` finished: the node is on the network (detail: its peer id). */
  connected: CustomEvent<string>
  /** `disconnect()` (or `close()`) finished (detail: its peer id). */
  disconnected: CustomEvent<string>
  /** A peer connected to this node (detail: the peer's id). */
  'peer:joined': CustomEvent<string>
  /** A peer is no longer connected (detail: the peer's id). */
  'peer:left': CustomEvent<string>
}

/** What {@link PlatformNode.stats} reports. */
export interface PlatformNodeStats {
  /** Whether the node is connected (between `connect()` and `disconnect()`). */
  connected: boolean
  /** How many peers are connected now. */
  peers: number
  /** The pipeline layer's counters, including rejected input by reason. */
  pipeline: NodeStats
  /** The transport's counters (last known while disconnected). */
  transport: TransportStats
}

/** The parts a {@link PlatformNode} is made of; built by `Network.nodeWithIdentity`. */
export interface PlatformNodeParts {
  network: NetworkConfig
  identity: LocalIdentity
  transport: Transport
  pipes: PipesNode
  store: OpenedDatastore
  /** The node's store as a DurableStore (what its pipelines write through). */
  kv: DurableStore
  onClose: () => void
}

/**
 * One identity's node on one network: the tutorial's `node`. Pipelines can be
 * created and (when persistent) written before `connect()`; what is put while
 * disconnected is stored and reaches the network on the next `connect()`.
 */
export class PlatformNode extends TypedEventTarget<PlatformNodeEvents> {
  /** The network this node is on. */
  readonly network: NetworkConfig
  /** The identity this node acts as; its id is the node's peer id. */
  readonly identity: LocalIdentity
  readonly #transport: Transport
  readonly #pipes: PipesNode
  readonly #store: OpenedDatastore
  readonly #kv: DurableStore
  readonly #onClose: () => void
  #pipesStarted = false
  #connected = false
  #closed = false
  #lastTransportStats: TransportStats
  // lifecycle steps (connect, disconnect, close) run one at a time, in call order
  readonly #lifecycle = new Mutex()

  /** @internal Use `network.nodeWithIdentity(identity)`. */
  constructor (parts: PlatformNodeParts) {
    super()
    this.network = parts.network
    this.identity = parts.identity
    this.#transport = parts.transport
    this.#pipes = parts.pipes
    this.#store = parts.store
    this.#kv = parts.kv
    this.#onClose = parts.onClose
    this.#lastTransportStats = parts.transport.stats()
    this.#transport.addEventListener('peer:connect', (e) => { this.emit('peer:joined', e.detail) })
    this.#transport.addEventListener('peer:disconnect', (e) => { this.emit('peer:left', e.detail) })
  }

  /** This node's peer id (the identity's id). */
  get peerId (): string {
    return this.identity.id
  }

  /**
   * The node's opened datastore, where its persistent pipelines keep their
   * logs: an app keeps its own records beside them (under its own key
   * prefix), as `@pipes/chat` does with its search index. Open until `close()`.
   */
  get datastore (): Datastore {
    this.#checkOpen()
    if (this.#store.datastore === undefined) throw new NoDatastoreError(this.network.id)
    return this.#store.datastore
  }

  /**
   * The node's store as the pipeline's `DurableStore` seam, on every storage
   * (a browser's IndexedDB one included): where an app keeps its own
   * records beside the logs, under its own key prefix. Open until `close()`.
   */
  get store (): DurableStore {
    this.#checkOpen()
    return this.#kv
  }

  /** Whether the node is connected to the network. */
  get connected (): boolean {
    return this.#connected
  }

  #checkOpen (): void {
    if (this.#closed) throw new ClosedError(`The node of ${this.identity.name} on network "${this.network.id}"`)
  }

  /**
   * Joins the network: starts listening, dials the bootstrap peers and starts
   * the pipelines' protocols; persistent pipelines then exchange what the
   * other side lacks with every peer that connects. Safe to call again.
   */
  async connect (): Promise<void> {
    this.#checkOpen()
    await this.#lifecycle.run(async () => {
      this.#checkOpen()
      if (this.#connected) return
      if (!this.#pipesStarted) {
        await this.#pipes.start()
        this.#pipesStarted = true
      }
      if (!this.#transport.started) await this.#transport.start()
      this.#connected = true
    })
    this.emit('connected', this.peerId)
  }

  /**
   * Leaves the network: closes every connection and stops listening. The
   * node's pipelines stay usable; persistent ones keep accepting puts, which
   * are delivered after the next `connect()`.
   */
  async disconnect (): Promise<void> {
    this.#checkOpen()
    const was = await this.#lifecycle.run(async () => {
      if (!this.#connected) return false
      this.#lastTransportStats = this.#transport.stats()
      this.#connected = false
      await this.#transport.stop()
      return true
    })
    if (was) this.emit('disconnected', this.peerId)
  }

  /** The pipeline called `name` on this node, or `undefined` when there is none yet. */
  pipelineNamed (name: string): Pipeline | undefined {
    this.#checkOpen()
    return this.#pipes.pipelineNamed(name)
  }

  /**
   * Creates the pipeline `name` on this node (synchronous, like the
   * tutorial; it works before `connect()`). Creating a name that exists
   * returns the existing pipeline when it is of the same kind, and throws
   * `ERR_PIPELINE_EXISTS` (from `@pipes/pipeline`) when the options ask for
   * another kind or size limit.
   */
  createPipeline (options: CreatePipelineOptions & { encrypted: object }): EncryptedPipeline
  createPipeline (options: CreatePipelineOptions & { peer: object | string }): PointToPointPipeline
  createPipeline (options: CreatePipelineOptions): Pipeline
  createPipeline (options: CreatePipelineOptions): Pipeline {
    this.#checkOpen()
    return this.#pipes.createPipeline(options)
  }

  /** The peer ids connected to this node now. */
  peers (): string[] {
    if (this.#closed || !this.#connected) return []
    return this.#transport.peers()
  }

  /** The multiaddrs (with `/p2p/<peerId>`) other nodes can dial; empty while disconnected. */
  addresses (): string[] {
    if (this.#closed || !this.#connected) return []
    return this.#transport.addresses()
  }

  /** Connects to a peer by multiaddr (e.g. one of another node's `addresses()`) or by peer id. */
  async dial (addr: string): Promise<void> {
    this.#checkOpen()
    if (!this.#connected) throw new NotConnectedError('node.dial()')
    await this.#transport.dial(addr)
  }

  /** Counters of this node: connection state, peers, pipeline and transport figures. */
  stats (): PlatformNodeStats {
    const live = this.#connected && !this.#closed
    if (live) this.#lastTransportStats = this.#transport.stats()
    return {
      connected: live,
      peers: live ? this.#transport.peers().length : 0,
      pipeline: this.#pipes.stats(),
      transport: this.#lastTransportStats
    }
  }

  /**
   * Stops the node for good: pipelines, transport, then the store. Called by
   * `api.close()`; a closed node cannot be connected again (ask the network
   * for a new one).
   */
  async close (): Promise<void> {
    if (this.#closed) return
    const wasConnected = this.#connected
    await this.#lifecycle.run(async () => {
      this.#closed = true
      this.#connected = false
      try {
        if (this.#pipesStarted) await this.#pipes.stop()
      } finally {
        try {
          if (this.#transport.started) await this.#transport.stop()
        } finally {
          await this.#store.close()
          this.#onClose()
        }
      }
    })
    if (wasConnected) this.emit('disconnected', this.peerId)
  }
}
