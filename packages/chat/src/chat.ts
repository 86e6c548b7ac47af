/**
 * The `Chat` class of the Pipes tutorial ("Tutorial: Chat Service" in
 * shared/spec/chat-tutorial.txt), transcribed to TypeScript. Each method
 * carries the name it has there; comments point to the tutorial's sections.
 * What differs: calls that touch disk or network are async, errors are typed,
 * and the listener gets the sender's verified name. The tutorial's last two
 * sections, "Private Chat" and "Encrypted Chat" (left open in the tutorial), are written
 * here: `sendPrivateMessage` and rooms (`createRoom`, `joinRoom`).
 */
import { PlatformAPI } from '@pipes/platform'
import { conversationOf, MAIN, privateConversation, privateMarks, roomConversation } from './conversation.js'
import {
  AlreadyConnectedError, ChatNotConnectedError, InvalidChatOptionsError, InvalidHistoryOptionsError, InvalidRecipientError, NotMessageAuthorError,
  UnknownMessageError, UserAlreadyConfiguredError
} from './errors.js'
import { MAX_PIPELINE_NAME_LENGTH } from './chat-options.js'
import { ChatNetwork } from './chat-network.js'
import { Conversations } from './conversations.js'
import { messagePages, pageOf } from './history.js'
import { assertSendable, decodeRecord, encodeMessage, sentMessage } from './message.js'
import { PrivateChats } from './private-chat.js'
import { Rooms } from './rooms.js'
import { safetyNumberWith } from './safety-number.js'
import { SearchIndex } from './search/search-index.js'
import { planSearch } from './search/search-options.js'
import { StateCache } from './state-cache.js'
import { describeInput, toUserKey } from './users.js'
import type { ChatListener, ChatOptions, ChatStats, ConnectOptions } from './chat-options.js'
import type { ChatHistoryOptions } from './history.js'
import type { ChatMessage, ChatRecord, MessageMarks } from './message.js'
import type { Room } from './room.js'
import type { CreateRoomOptions, JoinRoomOptions } from './rooms.js'
import type { SearchOptions } from './search/search-options.js'
import type { SearchHit } from './search/shard.js'
import type { UserKey, UserRef } from './users.js'
import type { Identity, LocalIdentity } from '@pipes/identity'
import type { Packet, Pipeline } from '@pipes/pipeline'
import type { PlatformNode } from '@pipes/platform'

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
export class Chat extends ChatNetwork {
  /** The platform API over `apiPath` (tutorial: `self.api`). */
  readonly api: PlatformAPI
  /** The local identity, once `connectToNetwork` ran (tutorial: `self.identity`). */
  identity: LocalIdentity | undefined = undefined
  /** The chat pipeline, once `connectToNetwork` ran (tutorial: `self.pipeline`). */
  pipeline: Pipeline | undefined = undefined
  private _listener: ChatListener | undefined = undefined
  private readonly _persistent: boolean
  private readonly _pipelineName: string
  private _connecting = false
  private _private: PrivateChats | undefined = undefined
  private _rooms: Rooms | undefined = undefined
  private _search: SearchIndex | undefined = undefined
  private _state: StateCache | undefined = undefined
  /** Where each conversation's messages are (main pipeline, rooms, private pipelines). */
  private readonly _conversations = new Conversations({
    main: () => this.pipeline,
    rooms: () => this._rooms,
    privates: () => this._private,
    selfId: () => this._identity().id
  })

  private readonly _stats: ChatStats = { sent: 0, received: 0, malformed: 0, changesRefused: 0, listenerErrors: 0 }

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
   * user and sets up the chat pipeline, the private conversations and the
   * rooms it was in before a restart (the state cache in `apiPath`). Throws
   * `ERR_ALREADY_CONNECTED` when called twice. With `{ offline: true }` it
   * stays offline (history and search work; `reconnect()` goes online).
   */
  async connectToNetwork (networkId: string, options: ConnectOptions = {}): Promise<void> {
    if (this.node !== undefined || this._connecting) throw new AlreadyConnectedError(this.node?.network.id ?? networkId)
    this._connecting = true
    try {
      const network = await this.api.networkWithId(networkId)
      this.identity = await this.api.localIdentity()
      this.node = await network.nodeWithIdentity(this.identity)
      this.followPeers(this.node)
      this._setupStore()
      this._setupPipeline()
      this._setupPrivateChat()
      await this._setupRooms()
      if (options?.offline !== true) await this.node.connect()
    } finally {
      this._connecting = false
    }
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
    this._receive(packet, {})
  }

  /**
   * Every packet of every conversation comes here: a message goes to the UI
   * listener, then into the search index (so a search never shows what the
   * listener was not given); an edit or deletion is applied (its author's only).
   * Malformed payloads are dropped and counted.
   */
  private readonly _receive = (packet: Packet, marks: MessageMarks): void => {
    const record = decodeRecord(packet, marks)
    if (record === undefined) {
      this._stats.malformed++
      return
    }
    const conversation = conversationOf(record.message, (this.identity as LocalIdentity).id)
    if (record.kind === 'message') {
      this._deliver(record.message)
      this._search?.add(conversation, record.message).catch(() => {})
      return
    }
    this._applyChange(conversation, record).catch(() => {})
  }

  private async _applyChange (conversation: string, record: Exclude<ChatRecord, { kind: 'message' }>): Promise<void> {
    const search = this._search
    if (search === undefined) return
    const by = record.message.senderId
    const changed = record.kind === 'edit'
      ? await search.edit(conversation, record.target, by, record.message.text)
      : await search.delete(conversation, record.target, by)
    if (changed === undefined) {
      this._stats.changesRefused++
      return
    }
    this.emit(record.kind === 'edit' ? 'edited' : 'deleted', changed)
  }

  /** Passes a message to the UI listener. */
  private readonly _deliver = (message: ChatMessage): void => {
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
    this._receive(packet, privateMarks(packet.sender.id, peerId, (this.identity as LocalIdentity).id))
  }

  // Tutorial: "Encrypted Chat" (left open there): a room is an encrypted pipeline,
  // keyed by a member list its owner keeps or by a secret its members share.
  /**
   * Creates a room this user owns, for `members` (and `admins`): only they
   * can read it; the owner and admins add and remove members. Share
   * `chat.identity.toJSON()` to be put on someone's member list. Creating an
   * open room again (e.g. after a restart) returns it; the list it started
   * with stays. The chat opens it again by itself after a restart.
   * @throws `ERR_INVALID_ROOM` for a bad name or member, or a name already open as another kind of room
   */
  async createRoom (name: string, options: CreateRoomOptions): Promise<Room> {
    return await this._roomsOf().create(name, options)
  }

  /**
   * Joins a room: `{ owner }` for a member-list room (messages flow once an
   * admin has added this user), `{ passphrase }` or `{ key }` for a room whose
   * members share a secret. With a wrong secret nothing is shown (what cannot
   * be opened is kept unread: it names a key this user does not hold).
   * Resolves once the room is open (a passphrase room has derived its key:
   * scrypt, under a second). The chat opens it again by itself after a
   * restart (how is kept in `apiPath`, sealed under the user's key).
   * @throws `ERR_INVALID_ROOM` for a bad name or options, or a name already open as another kind of room
   */
  async joinRoom (name: string, options: JoinRoomOptions): Promise<Room> {
    return await this._roomsOf().join(name, options)
  }

  /** The open room called `name`, if any. */
  room (name: string): Room | undefined {
    return this._rooms?.get(name)
  }

  /** The rooms opened with `createRoom` and `joinRoom` (and those opened again after a restart). */
  rooms (): Room[] {
    return this._rooms?.all() ?? []
  }

  private _identity (): LocalIdentity {
    if (this.node === undefined || this.identity === undefined) throw new ChatNotConnectedError()
    return this.identity
  }

  private _roomsOf (): Rooms {
    if (this._rooms === undefined || this.node === undefined) throw new ChatNotConnectedError()
    return this._rooms
  }

  private async _setupRooms (): Promise<void> {
    this._rooms = new Rooms({
      node: this.node as PlatformNode,
      identity: this.identity as LocalIdentity,
      baseName: this._pipelineName,
      onPacket: this._receive,
      onSent: () => { this._stats.sent++ },
      onOpened: (name, options) => { this._state?.roomOpened(name, options) }
    })
    await this._rooms.reopen(this._state as StateCache)
  }

  // Beyond the tutorial ("History and Search" is left open there): the search
  // index and state cache live in the node's datastore, beside the logs.
  private _setupStore (): void {
    const node = this.node as PlatformNode
    const kv = node.store
    const identity = this.identity as LocalIdentity
    this._state = new StateCache(kv, identity, this._pipelineName)
    this._search = new SearchIndex({
      kv,
      identity,
      scope: this._pipelineName,
      source: (conversation) => this._conversations.source(conversation),
      onProgress: (progress) => { this.emit('search:rebuild', progress) },
      open: () => this._conversations.open()
    })
  }

  // Tutorial: setListener
  /** Sets (or with `undefined`, clears) the UI callback for incoming messages. */
  setListener (listener: ChatListener | undefined): void {
    this._listener = listener
  }

  // Beyond the tutorial ("History and Search" is left open there): what the store holds.
  /**
   * The stored messages, as the listener shows them (current text of edited
   * ones, deleted ones left out), read from the store as they are iterated:
   * a long history is never held in memory at once.
   *
   * With no options: every message of the main channel, author by author
   * (per-author order). With options: one page of one conversation (the
   * main channel, a `room`, or the private conversation with `peer`), in time
   * order through the pipeline's time index, so it costs the same at any
   * history length: `{ reverse: true, limit: 50 }` is the newest 50, newest
   * first; `{ before: oldest.id, reverse: true }` the page before; `{ after: newest.id }` what came since.
   * @throws `ERR_CHAT_NOT_CONNECTED` (when iterated) before `connectToNetwork`
   * @throws `ERR_INVALID_HISTORY_OPTIONS` (when iterated) for a room not open here or a bad peer
   * @throws `ERR_INVALID_ARGUMENT`, `ERR_UNKNOWN_PACKET` (from `@pipes/pipeline`, when iterated) for a bad limit or cursor
   */
  async * history (options?: ChatHistoryOptions): AsyncIterable<ChatMessage> {
    if (this.pipeline === undefined || this.identity === undefined) throw new ChatNotConnectedError()
    const conversation = await this._conversations.named(options)
    const found = this._conversations.pipelineOf(conversation)
    if (found === undefined) throw new InvalidHistoryOptionsError(`${conversation} is not open here`)
    yield * messagePages(found.pipeline, pageOf(options), found.marks, async (m) => await this._current(conversation, m))
  }

  /** A stored message in its current form: undefined once deleted, the edited text once edited. */
  private async _current (conversation: string, message: ChatMessage): Promise<ChatMessage | undefined> {
    const search = this._search
    if (search === undefined) return message
    if (await search.isDeleted(conversation, message.id)) return undefined
    const now = await search.get(conversation, message.id)
    return now?.edited === true ? { ...message, text: now.text, edited: true } : message
  }

  /**
   * Full-text search of every conversation this user was given (main
   * channel, rooms, private chats), ranked best first, with the matched
   * words' offsets in each message's text for highlighting. The last word
   * matches as a prefix (as typed), longer words with a typo or two; case and
   * diacritics do not matter ("cafe" finds "Café"). Filters combine. A query
   * with no words finds nothing (an empty array).
   * @throws `ERR_INVALID_SEARCH` for a query that is not a string, over 1,000 characters or 32 words, or a bad option
   * @throws `ERR_CHAT_NOT_CONNECTED` before `connectToNetwork`
   */
  async search (query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const plan = planSearch(query, options)
    if (plan === undefined) return []
    if (this._search === undefined) throw new ChatNotConnectedError()
    return await this._search.search(plan.query, plan.conversations, plan.keep, plan.limit)
  }

  /**
   * Edits one of this user's messages: a signed record on the message's
   * conversation that every member's chat applies (the `edited` event;
   * history and search show the new text). Resolves once stored locally.
   * @throws `ERR_UNKNOWN_MESSAGE` for an id not held here (or deleted), `ERR_NOT_MESSAGE_AUTHOR` for another user's message
   */
  async editMessage (id: string, text: string): Promise<ChatMessage> {
    assertSendable(text)
    const { conversation, message } = await this._ownMessage(id)
    await this._conversations.put(conversation, { text, sender: (this.identity as LocalIdentity).name, timestamp: Date.now(), edits: id })
    return { ...message, text, edited: true }
  }

  /**
   * Deletes one of this user's messages: a signed record on its
   * conversation; every member's chat drops its text from its index and
   * history (the `deleted` event). What it cannot do: unsee a message
   * someone already read, or reach a device that never runs this chat
   * (see the README). Resolves once stored locally.
   * @throws `ERR_UNKNOWN_MESSAGE`, `ERR_NOT_MESSAGE_AUTHOR` as {@link editMessage}
   */
  async deleteMessage (id: string): Promise<void> {
    const { conversation } = await this._ownMessage(id)
    await this._conversations.put(conversation, { text: '', sender: (this.identity as LocalIdentity).name, timestamp: Date.now(), deletes: id })
  }

  private async _ownMessage (id: string): Promise<{ conversation: string, message: ChatMessage }> {
    const self = this._identity()
    const found = typeof id === 'string' ? await this._search?.find(id) : undefined
    if (found === undefined) throw new UnknownMessageError(String(id))
    if (found.message.senderId !== self.id) throw new NotMessageAuthorError()
    return found
  }

  /**
   * Remembers that the user has read up to `message` in its conversation
   * (kept in `apiPath`: a restarted app finds it with {@link readMarker}).
   */
  markRead (message: ChatMessage): void {
    this._state?.markRead(conversationOf(message, this._identity().id), message.id)
  }

  /** The id of the last message marked read in a conversation (the main channel, a `room`, or the private one with `peer`). */
  readMarker (where: { room?: string, peer?: string } = {}): string | undefined {
    const conversation = where.room !== undefined ? roomConversation(where.room) : where.peer !== undefined ? privateConversation(where.peer) : MAIN
    return this._state?.readMarker(conversation)
  }

  /** Counters: sent, received, malformed (dropped) and listener errors. */
  stats (): ChatStats {
    return { ...this._stats }
  }

  /** Stops the node and releases `apiPath`. */
  async close (): Promise<void> {
    this.pipeline?.removePacketListener(this._packetListener)
    this._private?.close()
    this._rooms?.close()
    await this._search?.close()
    await this._state?.flush()
    if (this.node !== undefined) this.unfollowPeers(this.node)
    await this.api.close()
    this.node = undefined
    this.pipeline = undefined
    this._private = undefined
    this._rooms = undefined
    this._search = undefined
    this._state = undefined
  }
}

