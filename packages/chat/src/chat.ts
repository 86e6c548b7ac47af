/**
 * The `Chat` class of the Pipes tutorial ("Tutorial: Chat Service" in
 * shared/spec/chat-tutorial.txt), transcribed to TypeScript. Each method
 * carries the name it has there; comments point to the tutorial's sections.
 * What differs: calls that touch disk or network are async, errors are typed,
 * and the listener gets the sender's verified name. The tutorial's last two
 * sections, "Private Chat" and "Encrypted Chat" (left open in the tutorial), are written
 * here: `sendPrivateMessage` and rooms (`createRoom`, `joinRoom`).
 */
import { InvalidSecureOptionError, PipelineExistsError } from '@pipes/pipeline'
import { PlatformAPI } from '@pipes/platform'
import {
  AlreadyConnectedError, ChatNotConnectedError, InvalidChatOptionsError, InvalidRecipientError, InvalidRoomError, UserAlreadyConfiguredError
} from './errors.js'
import { assertSendable, decodeMessage, encodeMessage, sentMessage } from './message.js'
import { PrivateChats } from './private-chat.js'
import { identityOf, Room, ROOM_NAME } from './room.js'
import { safetyNumberWith } from './safety-number.js'
import { describeInput, toUserKey } from './users.js'
import type { ChatMessage } from './message.js'
import type { UserKey, UserRef } from './users.js'
import type { Identity, LocalIdentity } from '@pipes/identity'
import type { EncryptedOptions, EncryptedPipeline, Packet, Pipeline } from '@pipes/pipeline'
import type { PlatformAPIOptions, PlatformNode, PlatformNodeStats } from '@pipes/platform'
import { TypedEventTarget } from '@pipes/interface'

/** The UI callback: called once per message, the user's own included. */
export type ChatListener = (message: ChatMessage) => void

/** Options of {@link Chat}. */
export interface ChatOptions {
  /**
   * `true` (the default): the tutorial's final form ("Persistent Chat"):
   * messages are stored and reach nodes that were offline when they were sent.
   * `false`: the tutorial's first form: only nodes online at send time get them.
   */
  persistent?: boolean
  /** The pipeline's name; the tutorial's `'CHAT'` by default. */
  pipelineName?: string
  /** Passed to `new PlatformAPI(apiPath, options)` (e.g. a key file passphrase). */
  platform?: PlatformAPIOptions
}

/** What {@link Chat.stats} reports. */
export interface ChatStats {
  /** Messages this chat sent. */
  sent: number
  /** Messages passed to the listener (or received while no listener was set). */
  received: number
  /** Packets dropped because their payload was not the chat's JSON. */
  malformed: number
  /** Times the UI listener threw; the chat carries on. */
  listenerErrors: number
}

/** The events a {@link Chat} dispatches (`chat.addEventListener('peer:joined', e => e.detail)`). */
export interface ChatEvents {
  /** A peer connected to this user's node (detail: the peer's id). */
  'peer:joined': CustomEvent<string>
  /** A peer is no longer connected (detail: the peer's id). */
  'peer:left': CustomEvent<string>
}

/** Longest `pipelineName`: private and room pipelines add to it. */
export const MAX_PIPELINE_NAME_LENGTH = 48

/**
 * Options of {@link Chat.createRoom}: the room's first members and its
 * admins, each an `Identity` or its JSON (`identity.toJSON()`, object or
 * text). The creator owns the room and is always a member.
 */
export interface CreateRoomOptions {
  members: ReadonlyArray<Identity | UserRef>
  /** Members who may add and remove members too (fixed for the room's life). */
  admins?: ReadonlyArray<Identity | UserRef>
}

/**
 * Options of {@link Chat.joinRoom}, exactly one of:
 * `{ owner }`: a member-list room created by `owner` (an `Identity`, its
 * JSON or its id); messages flow once an admin has added this user.
 * `{ passphrase }`: a room whose members share a passphrase.
 * `{ key }`: a room whose members share 32 random bytes.
 */
export type JoinRoomOptions = { owner: Identity | UserRef } | { passphrase: string } | { key: Uint8Array }

/**
 * The backend of a chat UI, as in the tutorial: set the user up once, connect
 * to a network, `setListener()` to receive messages and `sendMessage()` to
 * send them.
 *
 * @example
 * ```ts
 * const chat = new Chat('/tmp/alice')
 * if (!await chat.isUserConfigured()) await chat.setupUser('alice')
 * chat.setListener(m => { console.log(`${m.sender}: ${m.text}`) })
 * await chat.connectToNetwork('local')
 * await chat.sendMessage('hello')
 * ```
 */
export class Chat extends TypedEventTarget<ChatEvents> {
  /** The platform API over `apiPath` (tutorial: `self.api`). */
  readonly api: PlatformAPI
  /** The node, once `connectToNetwork` ran (tutorial: `self.node`). */
  node: PlatformNode | undefined = undefined
  /** The local identity, once `connectToNetwork` ran (tutorial: `self.identity`). */
  identity: LocalIdentity | undefined = undefined
  /** The chat pipeline, once `connectToNetwork` ran (tutorial: `self.pipeline`). */
  pipeline: Pipeline | undefined = undefined
  private _listener: ChatListener | undefined = undefined
  private readonly _persistent: boolean
  private readonly _pipelineName: string
  private _connecting = false
  private _private: PrivateChats | undefined = undefined
  private readonly _rooms = new Map<string, Room>()
  private readonly _stats: ChatStats = { sent: 0, received: 0, malformed: 0, listenerErrors: 0 }

  // Tutorial: __init__
  constructor (apiPath: string, options: ChatOptions = {}) {
    super()
    this.api = new PlatformAPI(apiPath, options.platform)
    this._persistent = options.persistent ?? true
    this._pipelineName = options.pipelineName ?? 'CHAT'
    if (typeof this._pipelineName !== 'string' || this._pipelineName.length === 0 || this._pipelineName.length > MAX_PIPELINE_NAME_LENGTH) {
      throw new InvalidChatOptionsError(`pipelineName must be 1 to ${MAX_PIPELINE_NAME_LENGTH} characters (private and room pipelines are named after it), got ${describeInput(this._pipelineName)}`)
    }
  }

  // Tutorial: isUserConfigured
  /** Whether this `apiPath` already has its user (one-time set-up done). */
  async isUserConfigured (): Promise<boolean> {
    return this.api.hasLocalIdentity()
  }

  // Tutorial: setupUser
  /** One-time set-up: creates the local user `userName`. Throws `ERR_USER_ALREADY_CONFIGURED` when done already. */
  async setupUser (userName: string): Promise<void> {
    if (await this.isUserConfigured()) {
      throw new UserAlreadyConfiguredError((await this.api.localIdentity()).name)
    }
    await this.api.addIdentity(userName)
  }

  // Tutorial: connectToNetwork
  /**
   * Joins the network `networkId` (e.g. the built-in `'local'`) as the local
   * user and sets up the chat pipeline. Throws `ERR_ALREADY_CONNECTED` when
   * called twice.
   */
  async connectToNetwork (networkId: string): Promise<void> {
    if (this.node !== undefined || this._connecting) throw new AlreadyConnectedError(this.node?.network.id ?? networkId)
    this._connecting = true
    try {
      const network = await this.api.networkWithId(networkId)
      this.identity = await this.api.localIdentity()
      this.node = await network.nodeWithIdentity(this.identity)
      this.node.addEventListener('peer:joined', this._onPeerJoined)
      this.node.addEventListener('peer:left', this._onPeerLeft)
      this._setupPipeline()
      this._setupPrivateChat()
      await this.node.connect()
    } finally {
      this._connecting = false
    }
  }

  private readonly _onPeerJoined = (e: CustomEvent<string>): void => { this.emit('peer:joined', e.detail) }
  private readonly _onPeerLeft = (e: CustomEvent<string>): void => { this.emit('peer:left', e.detail) }

  // Beyond the tutorial: what an app needs of the network, so it never reaches through `chat.node`.
  /** Addresses other users can `dial` to reach this one (multiaddrs ending in `/p2p/<id>`); empty while offline. */
  addresses (): string[] {
    return this._node().addresses()
  }

  /** Ids of the peers connected now. */
  peers (): string[] {
    return this._node().peers()
  }

  /**
   * Connects to another user's node: one of its `addresses()` or its id
   * (networks without discovery, like `'local'`, need one dial).
   * @throws `ERR_NOT_CONNECTED` while offline (after `disconnect()`)
   */
  async dial (address: string): Promise<void> {
    await this._node().dial(address)
  }

  /**
   * Goes offline: connections close, nothing is lost. Messages sent
   * meanwhile are stored and go out on `reconnect()`.
   */
  async disconnect (): Promise<void> {
    await this._node().disconnect()
  }

  /** Goes back online after `disconnect()`: missed messages arrive, stored ones go out. */
  async reconnect (): Promise<void> {
    await this._node().connect()
  }

  /** The node's counters: connection, peers, and the pipeline layer's (stored, undecryptable, rejects, ...). */
  networkStats (): PlatformNodeStats {
    return this._node().stats()
  }

  private _node (): PlatformNode {
    if (this.node === undefined) throw new ChatNotConnectedError()
    return this.node
  }

  // Tutorial: _setupPipeline (its "Persistent Chat" section changes the one
  // createPipeline line to persistent = True; `persistent: false` keeps the first form)
  private _setupPipeline (): void {
    const node = this.node as PlatformNode
    this.pipeline = node.pipelineNamed(this._pipelineName)
    if (this.pipeline === undefined) {
      this.pipeline = node.createPipeline({ name: this._pipelineName, persistent: this._persistent })
    }
    this.pipeline.addPacketListener(this._packetListener)
  }

  // Tutorial: sendMessage
  /**
   * Sends `text` as the local user. With a persistent chat it resolves once
   * the message is stored locally, even while offline; it reaches the others
   * as soon as the node is connected to them.
   */
  async sendMessage (text: string): Promise<ChatMessage> {
    if (this.node === undefined || this.pipeline === undefined || this.identity === undefined) throw new ChatNotConnectedError()
    assertSendable(text)
    const message = { text, sender: this.identity.name, timestamp: Date.now() }
    const packet = await this.pipeline.putPacket(encodeMessage(message))
    this._stats.sent++
    return sentMessage(packet, message.timestamp, text)
  }

  // Tutorial: _packetListener (an arrow function, so `this` is bound when passed along)
  private readonly _packetListener = (packet: Packet, _pipeline: Pipeline): void => {
    this._deliver(decodeMessage(packet))
  }

  /** Passes a decoded message to the UI listener; `undefined` (malformed) is dropped and counted. */
  private readonly _deliver = (message: ChatMessage | undefined): void => {
    if (message === undefined) {
      this._stats.malformed++
      return
    }
    this._stats.received++
    if (this._listener !== undefined) {
      try {
        this._listener(message)
      } catch {
        this._stats.listenerErrors++
      }
    }
  }

  // Tutorial: "Private Chat" (left open there): a point-to-point pipeline per pair
  // of users, found by both ends from their two keys; an introduction on the
  // `<name>.intro` pipeline tells the recipient to open its end.
  private _setupPrivateChat (): void {
    this._private = new PrivateChats({
      node: this.node as PlatformNode,
      identity: this.identity as LocalIdentity,
      baseName: this._pipelineName,
      onPacket: this._privatePacketListener,
      onMalformed: () => { this._stats.malformed++ }
    })
  }

  /**
   * Sends `text` to one user only: `to` is their `Identity`, its JSON or
   * their id. Only the two of them can read it; other nodes store and
   * forward it, so it reaches `to` even if they are offline now. Both
   * listeners get it with `private: true` and `to` (the recipient's id).
   * Resolves once stored locally.
   * @throws `ERR_INVALID_RECIPIENT` when `to` is not another user's identity or id
   */
  async sendPrivateMessage (to: Identity | UserRef, text: string): Promise<ChatMessage> {
    if (this._private === undefined || this.identity === undefined) throw new ChatNotConnectedError()
    assertSendable(text)
    const peer = await this._recipient(to)
    const message = { text, sender: this.identity.name, timestamp: Date.now() }
    const packet = await this._private.send(peer, encodeMessage(message))
    this._stats.sent++
    return sentMessage(packet, message.timestamp, text, { private: true, to: peer.id })
  }

  /** Ids of the users this user has private conversations with (either side started them). */
  privatePeers (): string[] {
    return this._private?.peers() ?? []
  }

  /** A 60-digit code both users compute alike from their two keys, to compare out of band (see {@link safetyNumberWith}). */
  async safetyNumber (other: Identity | UserRef): Promise<string> { return await safetyNumberWith(this.identity, other) }

  private async _recipient (to: unknown): Promise<UserKey> {
    let peer: UserKey
    try {
      peer = await toUserKey(to)
    } catch (err) {
      throw new InvalidRecipientError(`${describeInput(to)} is not an identity or an id (${(err as Error).message})`)
    }
    if (peer.id === this.identity?.id) throw new InvalidRecipientError('it is this user\'s own identity')
    return peer
  }

  private readonly _privatePacketListener = (packet: Packet, peerId: string): void => {
    const to = packet.sender.id === this.identity?.id ? peerId : (this.identity as LocalIdentity).id
    this._deliver(decodeMessage(packet, { private: true, to }))
  }

  // Tutorial: "Encrypted Chat" (left open there): a room is an encrypted pipeline,
  // keyed by a member list its owner keeps or by a secret its members share.
  /**
   * Creates a room this user owns, for `members` (and `admins`): only they
   * can read it; the owner and admins add and remove members. Share
   * `chat.identity.toJSON()` to be put on someone's member list. Creating an
   * open room again (e.g. after a restart) returns it; the list it started
   * with stays.
   * @throws `ERR_INVALID_ROOM` for a bad name or member, or a name already open as another kind of room
   */
  async createRoom (name: string, options: CreateRoomOptions): Promise<Room> {
    if (options === null || typeof options !== 'object' || !Array.isArray(options.members)) throw new InvalidRoomError('createRoom(name, { members }) needs members: an array of identities (use joinRoom for a passphrase room)')
    const self = this._identity()
    const members = await this._identities(options.members, 'members')
    const admins = await this._identities(options.admins ?? [], 'admins')
    return await this._openRoom(name, { members: members.filter(m => m.id !== self.id), admins: admins.filter(m => m.id !== self.id) })
  }

  /**
   * Joins a room: `{ owner }` for a member-list room (messages flow once an
   * admin has added this user), `{ passphrase }` or `{ key }` for a room whose
   * members share a secret. With a wrong secret nothing is shown (what cannot
   * be opened is kept unread: it names a key this user does not hold).
   * Resolves once the room is open (a passphrase room has derived its key:
   * scrypt, under a second).
   * @throws `ERR_INVALID_ROOM` for a bad name or options, or a name already open as another kind of room
   */
  async joinRoom (name: string, options: JoinRoomOptions): Promise<Room> {
    const self = this._identity()
    const o = (options ?? {}) as Partial<Record<'owner' | 'passphrase' | 'key', unknown>>
    const given = (['owner', 'passphrase', 'key'] as const).filter(k => o[k] !== undefined)
    if (given.length !== 1) throw new InvalidRoomError(`joinRoom(name, options) needs exactly one of owner, passphrase, key (got ${given.length === 0 ? 'none' : given.join(', ')})`)
    if (o.owner !== undefined) {
      const owner = typeof o.owner === 'string' && !o.owner.trimStart().startsWith('{') ? o.owner : (await identityOf(o.owner, 'joinRoom owner')).id
      if (owner === self.id) throw new InvalidRoomError(`this user owns room "${name}": open it with createRoom`)
      return await this._openRoom(name, { owner })
    }
    return await this._openRoom(name, o.passphrase !== undefined ? { passphrase: o.passphrase as string } : { key: o.key as Uint8Array })
  }

  /** The open room called `name`, if any. */
  room (name: string): Room | undefined {
    return this._rooms.get(name)
  }

  /** The rooms opened with `createRoom` and `joinRoom`. */
  rooms (): Room[] {
    return [...this._rooms.values()]
  }

  private _identity (): LocalIdentity {
    if (this.node === undefined || this.identity === undefined) throw new ChatNotConnectedError()
    return this.identity
  }

  private async _identities (list: unknown, what: string): Promise<Identity[]> {
    if (!Array.isArray(list)) throw new InvalidRoomError(`${what} must be an array of identities, got ${describeInput(list)}`)
    const out = new Map<string, Identity>()
    for (const [i, m] of list.entries()) {
      const identity = await identityOf(m, `${what}[${i}]`)
      out.set(identity.id, identity)
    }
    return [...out.values()]
  }

  private async _openRoom (name: string, encrypted: EncryptedOptions): Promise<Room> {
    if (typeof name !== 'string' || !ROOM_NAME.test(name)) throw new InvalidRoomError(`room names are 1 to 64 letters, digits and . _ - : # @ + =, got ${describeInput(name)}`)
    const node = this.node as PlatformNode
    let pipeline: EncryptedPipeline
    try {
      pipeline = node.createPipeline({ name: `${this._pipelineName}.room.${name}`, encrypted })
    } catch (err) {
      if (err instanceof PipelineExistsError) throw new InvalidRoomError(`room "${name}" is already open here with other keys (member list, passphrase or key): use chat.room("${name}")`)
      if (err instanceof InvalidSecureOptionError) throw new InvalidRoomError(err.message)
      throw err
    }
    const open = this._rooms.get(name)
    if (open?.pipeline === pipeline) return open
    // history() waits for the pipeline's store to open: a created room has
    // then written its member list, a passphrase room derived its key
    for await (const _ of pipeline.history()) break
    const again = this._rooms.get(name)
    if (again?.pipeline === pipeline) return again
    const room = new Room({
      name,
      pipeline,
      identity: this.identity as LocalIdentity,
      onMessage: this._deliver,
      onMalformed: () => { this._stats.malformed++ },
      onSent: () => { this._stats.sent++ }
    })
    this._rooms.set(name, room)
    return room
  }

  // Tutorial: setListener
  /** Sets (or with `undefined`, clears) the UI callback for incoming messages. */
  setListener (listener: ChatListener | undefined): void {
    this._listener = listener
  }

  // Beyond the tutorial ("History and Search" is left open there): what the store holds.
  /**
   * The stored messages of a persistent chat (per-author order), e.g. after a
   * restart, read from the store as they are iterated (`for await (const m of
   * chat.history())`), like `Pipeline.history()`: a long history is never held
   * in memory at once. Malformed payloads are skipped.
   * @throws `ERR_CHAT_NOT_CONNECTED` (when iterated) before `connectToNetwork`
   */
  async * history (): AsyncIterable<ChatMessage> {
    if (this.pipeline === undefined) throw new ChatNotConnectedError()
    for await (const packet of this.pipeline.history()) {
      const message = decodeMessage(packet)
      if (message !== undefined) yield message
    }
  }

  /** Counters: sent, received, malformed (dropped) and listener errors. */
  stats (): ChatStats {
    return { ...this._stats }
  }

  /** Stops the node and releases `apiPath`. */
  async close (): Promise<void> {
    this.pipeline?.removePacketListener(this._packetListener)
    this._private?.close()
    for (const room of this._rooms.values()) room.close()
    this.node?.removeEventListener('peer:joined', this._onPeerJoined)
    this.node?.removeEventListener('peer:left', this._onPeerLeft)
    await this.api.close()
    this.node = undefined
    this.pipeline = undefined
    this._private = undefined
    this._rooms.clear()
  }
}
