import { peerIdFromPublicKey as peerIdFromKey } from '@pipes/identity'
import { protocolFor } from '@pipes/transport'
import { InvalidPipelineArgumentError, InvalidPipelineNameError, InvalidSecureOptionError, NodeStoppedError, PipelineExistsError } from './errors.js'
import { entryMessageId } from './entry-codec.js'
import { GroupCommitter } from './group-commit.js'
import { HybridClock } from './hlc.js'
import { IdentityCache } from './identity-cache.js'
import { durableStoreOf } from './kv.js'
import type { DurableStore } from './kv.js'
import { LivePipeline } from './live-pipeline.js'
import { PersistentPipeline } from './persistent-pipeline.js'
import { StoredPipeline } from './stored-pipeline.js'
import { EncryptedPipelineImpl } from './secure/encrypted-pipeline.js'
import { MAILBOX_PIPELINE, P2pPipeline, peerRefOf } from './secure/p2p-pipeline.js'
import { Prekeys } from './secure/prekeys.js'
import { MailboxKind } from './secure/mailbox/mailbox-kind.js'
import { mailboxConfig } from './secure/mailbox/retention.js'
import type { MailboxConfig, MailboxOptions } from './secure/mailbox/retention.js'
import { parseEncryptedOptions, publicKeyOf } from './secure/secure-options.js'
import { Publisher } from './publisher.js'
import { StatsBook } from './stats.js'
import { bufferLimitsOf } from './buffer-limits.js'
import type { BufferLimits } from './buffer-limits.js'
import { DEFAULT_SYNC_LIMITS, SYNC_PROTOCOL_VERSION } from './sync-session.js'
import { DEFAULT_SECOND_SIDE_DELAY_MS, SyncScheduler } from './sync-scheduler.js'
import { TypedEventTarget } from '@pipes/interface'
import type { BasePipeline } from './base-pipeline.js'
import type { NodeContext } from './context.js'
import type { RejectReason } from './reject-reasons.js'
import type { StoredParts } from './stored-parts.js'
import type { SyncHost, SyncLimits } from './sync-session.js'
import type { SecureConfig } from './secure/secure-options.js'
import type { CreatePipelineOptions, EncryptedPipeline, ForkDetail, NodeStats, Pipeline, PipesNodeEvents, PointToPointPipeline, ReceiptDetail } from './types.js'
import type { Identity, LocalIdentity } from '@pipes/identity'
import type { Transport } from '@pipes/transport'
import type { Datastore } from 'interface-datastore'

/** Default `maxPacketBytes` of a pipeline: 1 MiB. */
export const DEFAULT_MAX_PACKET_BYTES = 1024 * 1024
/** Largest `maxPacketBytes` a pipeline may have: 8 MiB (sync frames carry at least one whole entry). */
export const MAX_PACKET_BYTES_LIMIT = 8 * 1024 * 1024
/** Default period of the sync with each peer: 30 s. */
export const DEFAULT_SYNC_INTERVAL_MS = 30_000
/** Default largest step an entry's time may be ahead of ours: 2 minutes. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 120_000

const PIPELINE_NAME = /^[A-Za-z0-9._:#@+=-]{1,128}$/
/** Names Pipes keeps for itself (the mailbox of point-to-point envelopes). */
const RESERVED_PREFIX = 'pipes:'

/** Arguments of {@link createPipesNode}. */
export interface PipesNodeInit {
  /** The identity this node puts packets as; the transport must run as the same identity. */
  identity: LocalIdentity
  /** The network this node is on (from `createTransport`; the node sets its gossipsub message id to the entry id). Started or not: the node works offline. */
  transport: Transport
  /**
   * Where persistent pipelines keep their logs: an opened datastore-level
   * `LevelDatastore` in Node (written with fsync), `MemoryDatastore` in
   * tests. The node never closes it. Give either this or `store`.
   */
  datastore?: Datastore
  /**
   * The storage seam itself, instead of `datastore`: `levelDurableStore(ds)`
   * (fails loudly if `ds` has no LevelDB, so a wrapper cannot silently lose
   * fsync), `datastoreDurableStore(ds)`, or an own implementation (IndexedDB).
   */
  store?: DurableStore
  /** How often each peer is synced, in ms; default 30 s (sessions also run on every connection and on gaps). */
  syncIntervalMs?: number
  /**
   * After a new connection the peer with the smaller id syncs at once; the
   * other waits this long (ms) and syncs only if no session ran meanwhile.
   * Default 1.5 s.
   */
  secondSideDelayMs?: number
  /** The network id entries are signed for; default `transport.network.id`. */
  networkId?: string
  /** How far an entry's time may be ahead of this node's clock, in ms; default 2 minutes. */
  maxClockSkewMs?: number
  /** Most gossipsub publishes in flight; default 64. */
  maxPublishInFlight?: number
  /** Limits of the sync protocol (tests lower them). */
  syncLimits?: Partial<SyncLimits>
  /** Bounds in entries, bytes and time of what persistent pipelines keep in memory for entries they cannot use yet (see {@link BufferLimits}; tests lower them). */
  bufferLimits?: Partial<BufferLimits>
  /**
   * Carry the network-wide mailbox of point-to-point envelopes (store, check
   * and relay other identities' ciphertext so they reach peers that are
   * offline now). Default true: every node carries it. A node without it can
   * still create point-to-point pipelines (it then carries it anyway).
   */
  carryMailbox?: boolean
  /**
   * Retention and quotas of the mailbox: envelopes are kept 14 days after
   * they were put, at most 10,000 envelopes / 64 MiB of one author and
   * 1 GiB in all at a time (input over a quota is dropped and counted in
   * `stats().mailbox`). See {@link MailboxOptions}.
   */
  mailbox?: MailboxOptions
  /**
   * The identity's key was restored onto this store (a key file copied from
   * another device or a backup), so the identity may have written entries
   * this store lacks. Then each persistent pipeline refuses puts with
   * `OwnHeadsUnknownError` (`ERR_OWN_HEADS_UNKNOWN`) until a sync with a peer that carries it has
   * told the node the identity's head there and the node holds that much;
   * a record in the store (`/pipes/own/<pipeline>/<authorHex>`) keeps that
   * fact across restarts. Default false: the identity is new on this store
   * or this store is where it writes (a new device), and puts never wait.
   * Without it, a restored identity starts again at seq 1 and forks its own
   * history for good.
   */
  restored?: boolean
}

/** One identity on one network: its pipelines, their stores and sync. */
export interface PipesNode extends EventTarget {
  /** Our public identity. */
  readonly identity: Identity
  /** The network id entries are signed for. */
  readonly networkId: string
  /** True between `start()` and `stop()`. */
  readonly started: boolean
  /** Serves the sync protocol and starts syncing with peers. Pipelines work before it (offline). Idempotent. */
  start (): Promise<void>
  /** Stops sync, closes every pipeline after in-flight writes are durable. Final: create a new node to go on. Neither the transport nor the datastore is closed. */
  stop (): Promise<void>
  /**
   * Creates a pipeline, at once (a persistent one opens its store in the
   * background; its calls wait for that). Creating an existing name with the
   * same kind returns the existing pipeline.
   *
   * @throws {@link PipelineExistsError} when the name exists with another kind or size limit
   * @throws {@link InvalidPipelineNameError} when the name breaks the rules
   * @throws {@link InvalidPipelineArgumentError} when an option has the wrong type or range
   * @throws {@link NodeStoppedError} after `stop()`
   */
  createPipeline (options: CreatePipelineOptions & { encrypted: object }): EncryptedPipeline
  createPipeline (options: CreatePipelineOptions & { peer: object | string }): PointToPointPipeline
  createPipeline (options: CreatePipelineOptions): Pipeline
  /** The pipeline of that name, if created. */
  pipelineNamed (name: string): Pipeline | undefined
  /** Every pipeline created on this node. */
  pipelines (): Pipeline[]
  /** Counters since the node was created. */
  stats (): NodeStats
  addEventListener<K extends keyof PipesNodeEvents>(type: K, listener: ((evt: PipesNodeEvents[K]) => void) | null, options?: boolean | AddEventListenerOptions): void
  addEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void
  removeEventListener<K extends keyof PipesNodeEvents>(type: K, listener: ((evt: PipesNodeEvents[K]) => void) | null, options?: boolean | EventListenerOptions): void
  removeEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void
}

class Node extends TypedEventTarget<PipesNodeEvents> implements PipesNode, SyncHost {
  readonly identity: Identity
  readonly networkId: string
  readonly ctx: NodeContext
  readonly limits: SyncLimits
  readonly #pipelines = new Map<string, BasePipeline>()
  readonly #scheduler: SyncScheduler
  readonly #stats = new StatsBook()
  readonly #committer: GroupCommitter
  #mailbox: PersistentPipeline | undefined
  /** The mailbox's kind (quotas, expiry, checkpoints), with `#mailbox`. */
  #mailboxKind: MailboxKind | undefined
  readonly #mailboxConfig: MailboxConfig
  #prekeys: Prekeys | undefined
  #started = false
  #stopped = false

  constructor (init: PipesNodeInit) {
    super()
    if (init === null || typeof init !== 'object') throw new InvalidPipelineArgumentError('createPipesNode needs { identity, transport, datastore }')
    const { identity, transport, datastore, store } = init
    if (identity === null || typeof identity !== 'object' || typeof identity.sign !== 'function') throw new InvalidPipelineArgumentError('createPipesNode: identity must be a LocalIdentity (from generateIdentity or loadKeyFile)')
    if (transport === null || typeof transport !== 'object' || typeof transport.subscribe !== 'function') throw new InvalidPipelineArgumentError('createPipesNode: transport must be a Transport from createTransport')
    if ((datastore === undefined) === (store === undefined)) throw new InvalidPipelineArgumentError('createPipesNode: give exactly one of datastore (a LevelDatastore or MemoryDatastore) and store (a DurableStore)')
    if (datastore !== undefined && (datastore === null || typeof datastore !== 'object' || typeof datastore.batch !== 'function')) throw new InvalidPipelineArgumentError('createPipesNode: datastore must be an interface-datastore Datastore (LevelDatastore, MemoryDatastore)')
    if (store !== undefined && (store === null || typeof store !== 'object' || typeof store.batch !== 'function' || typeof store.getMany !== 'function' || typeof store.scan !== 'function')) throw new InvalidPipelineArgumentError('createPipesNode: store must be a DurableStore (batch, getMany, scan), e.g. levelDurableStore(datastore)')
    const syncIntervalMs = positive(init.syncIntervalMs, DEFAULT_SYNC_INTERVAL_MS, 'syncIntervalMs')
    const maxClockSkewMs = positive(init.maxClockSkewMs, DEFAULT_MAX_CLOCK_SKEW_MS, 'maxClockSkewMs')
    if (init.restored !== undefined && typeof init.restored !== 'boolean') throw new InvalidPipelineArgumentError('createPipesNode: restored must be true or false')
    const maxInFlight = positive(init.maxPublishInFlight, 64, 'maxPublishInFlight')
    this.#mailboxConfig = mailboxConfig(init.mailbox)
    this.networkId = init.networkId ?? transport.network.id
    this.identity = identity.public()
    this.limits = { ...DEFAULT_SYNC_LIMITS, ...(init.syncLimits ?? {}) }
    const kv = store ?? durableStoreOf(datastore as Datastore)
    this.#committer = new GroupCommitter(kv)
    this.#committer.onFailure((error) => {
      this.dispatchEvent(new CustomEvent('storage-error', { detail: { error } }))
      // peers resend what was rolled back
      this.ctx.requestSync()
    })
    const identities = new IdentityCache()
    identities.seed(this.identity)
    const stats = this.#stats
    const isStopped = (): boolean => this.#stopped
    this.ctx = {
      identity,
      self: this.identity,
      transport,
      networkId: this.networkId,
      kv,
      committer: this.#committer,
      clock: new HybridClock(),
      identities,
      stats,
      publisher: new Publisher(transport, stats, maxInFlight),
      maxClockSkewMs,
      buffers: bufferLimitsOf(init.bufferLimits),
      restored: init.restored === true,
      get stopped () { return isStopped() },
      reject: (reason: RejectReason, pipeline: string | undefined, from: string) => {
        stats.reject(reason)
        this.dispatchEvent(new CustomEvent('reject', { detail: { pipeline, reason, from } }))
      },
      fork: (detail: ForkDetail) => { this.dispatchEvent(new CustomEvent('fork', { detail })) },
      receipt: (detail: ReceiptDetail) => { this.dispatchEvent(new CustomEvent('receipt', { detail })) },
      requestSync: (peer?: string) => { if (this.#started) this.#scheduler.request(peer) }
    }
    const secondSideDelayMs = positive(init.secondSideDelayMs, DEFAULT_SECOND_SIDE_DELAY_MS, 'secondSideDelayMs')
    this.#scheduler = new SyncScheduler(this, transport, protocolFor(this.networkId, 'sync', SYNC_PROTOCOL_VERSION), syncIntervalMs, secondSideDelayMs)
    if (init.carryMailbox !== false) this.#mailboxPipeline()
  }

  /** The network-wide mailbox log of point-to-point envelopes and its kind (created on first need). */
  #mailboxPipeline (): { pipeline: PersistentPipeline, kind: MailboxKind } {
    if (this.#mailbox === undefined || this.#mailboxKind === undefined) {
      this.#mailboxKind = new MailboxKind(this.ctx, this.#mailboxConfig)
      this.#mailbox = new PersistentPipeline(this.ctx, MAILBOX_PIPELINE, DEFAULT_MAX_PACKET_BYTES, this.#mailboxKind)
    }
    return { pipeline: this.#mailbox, kind: this.#mailboxKind }
  }

  /** A point-to-point pipeline over the mailbox (which it puts through the mailbox's kind, within our quota). */
  #pointToPoint (name: string, maxPacketBytes: number, peerKey: Uint8Array, directPush: boolean): P2pPipeline {
    const mailbox = this.#mailboxPipeline()
    // our prekey is published with our first point-to-point pipeline
    this.#prekeys ??= new Prekeys(this.ctx, mailbox.pipeline, mailbox.kind, this.#mailboxConfig)
    return new P2pPipeline(this.ctx, name, maxPacketBytes, peerRefOf(peerKey), mailbox.pipeline, mailbox.kind, directPush, this.#prekeys)
  }

  get started (): boolean { return this.#started }


  async start (): Promise<void> {
    if (this.#stopped) throw new NodeStoppedError('start the node')
    if (this.#started) return
    this.#started = true
    await this.#scheduler.start()
  }

  async stop (): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    await this.#scheduler.stop()
    await Promise.allSettled([...this.#pipelines.values()].map(async p => { await p.close() }))
    await this.#prekeys?.ready().catch(() => {})
    this.#prekeys?.close()
    await this.#mailbox?.close()
    await this.ctx.publisher.idle()
    await this.#committer.flush()
    this.#started = false
  }

  createPipeline (options: CreatePipelineOptions & { encrypted: object }): EncryptedPipeline
  createPipeline (options: CreatePipelineOptions & { peer: object | string }): PointToPointPipeline
  createPipeline (options: CreatePipelineOptions): Pipeline
  createPipeline (options: CreatePipelineOptions): Pipeline {
    if (this.#stopped) throw new NodeStoppedError('create a pipeline')
    if (options === null || typeof options !== 'object') throw new InvalidPipelineArgumentError('createPipeline needs an options object { name, persistent?, maxPacketBytes? }')
    const { name } = options
    if (typeof name !== 'string' || !PIPELINE_NAME.test(name)) {
      throw new InvalidPipelineNameError(`pipeline name ${JSON.stringify(name)} is not allowed: use 1 to 128 characters of letters, digits and . _ - : # @ + =`)
    }
    if (name.startsWith(RESERVED_PREFIX)) throw new InvalidPipelineNameError(`pipeline names starting with "${RESERVED_PREFIX}" are reserved for Pipes itself (${JSON.stringify(name)})`)
    if (options.persistent !== undefined && typeof options.persistent !== 'boolean') throw new InvalidPipelineArgumentError('createPipeline: persistent must be true or false')
    const secure = options.encrypted !== undefined || options.peer !== undefined
    if (options.encrypted !== undefined && options.peer !== undefined) throw new InvalidPipelineArgumentError('createPipeline: a pipeline has either encrypted (a group) or peer (one identity), not both')
    if (secure && options.persistent === false) throw new InvalidPipelineArgumentError(`createPipeline: ${options.peer !== undefined ? 'point-to-point' : 'encrypted'} pipelines are always persistent: drop persistent: false`)
    const encrypted: SecureConfig | undefined = options.encrypted === undefined ? undefined : parseEncryptedOptions(options.encrypted)
    const peerKey = options.peer === undefined ? undefined : publicKeyOf(options.peer, 'createPipeline: peer')
    if (peerKey !== undefined && peerIdFromKey(peerKey) === this.identity.id) throw new InvalidSecureOptionError('createPipeline: peer is this node\'s own identity; a point-to-point pipeline needs another identity')
    if (options.directPush !== undefined && (typeof options.directPush !== 'boolean' || peerKey === undefined)) {
      throw new InvalidPipelineArgumentError('createPipeline: directPush is true or false, and only for a point-to-point pipeline (with peer)')
    }
    const persistent = options.persistent === true || secure
    const maxPacketBytes = options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES
    if (!Number.isSafeInteger(maxPacketBytes) || maxPacketBytes < 1 || maxPacketBytes > MAX_PACKET_BYTES_LIMIT) {
      throw new InvalidPipelineArgumentError(`createPipeline: maxPacketBytes must be an integer from 1 to ${MAX_PACKET_BYTES_LIMIT}, got ${String(options.maxPacketBytes)}`)
    }
    if (peerKey !== undefined && maxPacketBytes > DEFAULT_MAX_PACKET_BYTES) {
      throw new InvalidPipelineArgumentError(`createPipeline: a point-to-point pipeline's maxPacketBytes is at most ${DEFAULT_MAX_PACKET_BYTES} (the network-wide mailbox's limit), got ${maxPacketBytes}`)
    }
    const kind = peerKey !== undefined ? 'p2p' : encrypted !== undefined ? 'encrypted' : persistent ? 'persistent' : 'live'
    const existing = this.#pipelines.get(name)
    if (existing !== undefined) {
      const sameSize = options.maxPacketBytes === undefined || existing.maxPacketBytes === maxPacketBytes
      const samePeer = peerKey === undefined || (existing instanceof P2pPipeline && existing.peer.id === peerIdFromKey(peerKey))
      const sameKeys = encrypted === undefined || (existing instanceof EncryptedPipelineImpl && existing.keyMode === encrypted.mode)
      if (existing.kind === kind && sameSize && samePeer && sameKeys) return existing
      throw new PipelineExistsError(name, `${existing.kind} (maxPacketBytes ${existing.maxPacketBytes})`, `${kind} (maxPacketBytes ${maxPacketBytes})`)
    }
    const pipeline = peerKey !== undefined
      ? this.#pointToPoint(name, maxPacketBytes, peerKey, options.directPush === true)
      : encrypted !== undefined
        ? new EncryptedPipelineImpl(this.ctx, name, maxPacketBytes, encrypted)
        : persistent
          ? new PersistentPipeline(this.ctx, name, maxPacketBytes)
          : new LivePipeline(this.ctx, name, maxPacketBytes)
    this.#pipelines.set(name, pipeline)
    return pipeline
  }

  pipelineNamed (name: string): Pipeline | undefined {
    return this.#pipelines.get(name)
  }

  pipelines (): Pipeline[] {
    return [...this.#pipelines.values()]
  }

  syncablePipelines (): Map<string, StoredParts> {
    const out = new Map<string, StoredParts>()
    for (const [name, p] of this.#pipelines) if (p instanceof StoredPipeline && p.stored.opened) out.set(name, p.stored)
    if (this.#mailbox?.stored.opened === true) out.set(MAILBOX_PIPELINE, this.#mailbox.stored)
    return out
  }

  stats (): NodeStats {
    let gapBuffered = 0
    let gapDropped = 0
    for (const p of [...this.#pipelines.values(), ...(this.#mailbox === undefined ? [] : [this.#mailbox])]) {
      if (p instanceof StoredPipeline) { gapBuffered += p.stored.gapBuffered; gapDropped += p.stored.gapDropped }
    }
    this.#stats.gapDropped = gapDropped
    return this.#stats.snapshot({ gapBuffered, commits: this.#committer.stats.commits, commitOps: this.#committer.stats.ops, commitQueued: this.#committer.queued, storageErrors: this.#committer.stats.failed, sessions: this.#scheduler.activity(), mailboxHeld: this.#mailboxKind?.held() ?? { authors: 0, entries: 0, bytes: 0 } })
  }
}

function positive (value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new InvalidPipelineArgumentError(`createPipesNode: ${what} must be a positive number of ms/count, got ${String(value)}`)
  return value
}

/**
 * Creates the Pipes node of an identity on a network. Pipelines can be
 * created and used at once; call `start()` to serve and run sync.
 *
 * @throws {@link InvalidPipelineArgumentError} when an argument has the wrong type or range
 */
export function createPipesNode (init: PipesNodeInit): PipesNode {
  const node = new Node(init)
  // gossipsub must name a message by its entry id (dedup, receipts): set where the node is built, so no caller can forget it
  init.transport.useMessageId(entryMessageId)
  return node
}
