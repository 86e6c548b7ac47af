/**
 * The page's model over one `Chat` (the same class Node uses), with every
 * store in IndexedDB through the platform's browser storage. It holds what
 * the UI shows (messages by conversation, people seen, rooms, the network
 * state) and tells the UI to redraw; it draws nothing itself.
 */
import { Chat, decodeMessage } from '@pipes/chat'
import { createIndexedDbStorage } from '@pipes/platform'
import type { ChatMessage, Room } from '@pipes/chat'
import type { Identity, NetworkConfig, Packet, Pipeline } from '@pipes/platform'
import type { WebConfig } from './config.js'
import { RoomBook } from './room-book.js'

/** Where a message belongs: the main channel, a room, or a private conversation. */
export type Conversation = { kind: 'general' } | { kind: 'room', name: string } | { kind: 'dm', id: string }

/** One shown message and, for the user's own, whether a peer holds it yet. */
export interface ShownMessage {
  message: ChatMessage
  own: boolean
  /** `pending` until a peer (the relay) is known to hold it; `stored` for private ones (no receipts). */
  mark: 'pending' | 'delivered' | 'stored' | undefined
}

/** The network state the header shows. */
export type NetworkState = { kind: 'offline' } | { kind: 'catching-up', received: number } | { kind: 'online', caughtUp: number }

/** A stable key of a conversation, for maps and the DOM. */
export function conversationKey (c: Conversation): string {
  return c.kind === 'general' ? 'general' : c.kind === 'room' ? `room:${c.name}` : `dm:${c.id}`
}

function conversationOf (m: ChatMessage, selfId: string): Conversation {
  if (m.room !== undefined) return { kind: 'room', name: m.room }
  if (m.private === true) return { kind: 'dm', id: m.senderId === selfId ? (m.to ?? '') : m.senderId }
  return { kind: 'general' }
}

/**
 * Like the CLI's: delivery receipts (pending → delivered) come with sync
 * sessions, so a person waits about this long to see the mark; and the
 * relay is redialed quickly once it is back.
 */
const SYNC_INTERVAL_MS = 2000
const REDIAL = { baseDelayMs: 250, maxDelayMs: 5000 }

export class ChatSession {
  readonly chat: Chat
  readonly config: WebConfig
  readonly people = new Map<string, Identity>()
  readonly #messages = new Map<string, ShownMessage[]>()
  readonly #seen = new Set<string>()
  readonly #rooms: RoomBook
  #onChange: () => void = () => {}
  #timer: ReturnType<typeof setInterval> | undefined
  #catchUp = { base: 0, received: 0, peersBefore: 0, caught: undefined as number | undefined }

  constructor (config: WebConfig) {
    this.config = config
    this.chat = new Chat(config.profile, { platform: { storage: createIndexedDbStorage(config.profile), syncIntervalMs: SYNC_INTERVAL_MS, transport: { redial: REDIAL } } })
    this.#rooms = new RoomBook(config.profile)
  }

  get selfId (): string { return this.chat.identity?.id ?? '' }
  get selfName (): string { return this.chat.identity?.name ?? '' }

  /** Calls `fn` whenever what is shown changed. */
  onChange (fn: () => void): void { this.#onChange = fn }

  /** Whether this profile has its user yet. */
  async configured (): Promise<boolean> { return await this.chat.isUserConfigured() }

  /** One-time set-up of the user. */
  async setup (name: string): Promise<void> { await this.chat.setupUser(name) }

  /**
   * Joins the relay's network (saved, so a reload offline still opens it),
   * shows what the stores hold and starts listening. Works offline: the
   * node keeps dialing the relay.
   */
  async start (): Promise<void> {
    // ask the browser not to evict this origin's data under storage pressure (it may say no)
    void globalThis.navigator?.storage?.persist?.().catch(() => false)
    await this.#saveNetwork()
    this.chat.setListener(m => { this.#add(m) })
    await this.chat.connectToNetwork(this.config.network)
    this.#watchSenders(this.chat.pipeline)
    this.#watchSenders(this.chat.node?.pipelineNamed(`${this.chat.pipeline?.name ?? 'CHAT'}.intro`))
    for (const saved of this.#rooms.load()) {
      try {
        const room = saved.owner === undefined ? await this.chat.createRoom(saved.name, { members: [] }) : await this.chat.joinRoom(saved.name, { owner: saved.owner })
        this.#watchSenders(room.pipeline)
      } catch {
        // a room that no longer opens is left out; the others still show
      }
    }
    await this.#loadStored()
    this.chat.addEventListener('peer:joined', this.#changed)
    this.chat.addEventListener('peer:left', this.#changed)
    this.#timer = setInterval(() => { this.#tick() }, 500)
  }

  async #saveNetwork (): Promise<void> {
    const api = this.chat.api
    const known = (await api.networks()).find(n => n.id === this.config.network)
    const relay = this.config.relay
    if (known !== undefined && (relay === undefined || known.config.bootstrap?.includes(relay) === true)) return
    const config: NetworkConfig = { id: this.config.network, listen: ['/p2p-circuit'], bootstrap: relay === undefined ? [] : [relay], mdns: false }
    // a new relay address replaces the saved one; the node's store stays
    if (known !== undefined) await api.removeNetwork(this.config.network)
    await api.addNetwork(config)
  }

  #watchSenders (pipeline: Pipeline | undefined): void {
    if (pipeline === undefined) return
    void pipeline.addPacketListener((p: Packet) => {
      if (p.sender.id !== this.selfId && !this.people.has(p.sender.id)) {
        this.people.set(p.sender.id, p.sender)
        this.#changed()
      }
    }, { replay: true }).catch(() => {})
  }

  async #loadStored (): Promise<void> {
    const read = async (pipeline: Pipeline | undefined, marks: { room: string } | Record<string, never>): Promise<void> => {
      if (pipeline === undefined) return
      for await (const p of pipeline.history()) {
        const m = decodeMessage(p, marks)
        if (m !== undefined) this.#add(m, false)
      }
    }
    await read(this.chat.pipeline, {})
    for (const room of this.chat.rooms()) await read(room.pipeline, { room: room.name })
    for (const list of this.#messages.values()) list.sort((a, b) => a.message.timestamp - b.message.timestamp)
    this.#changed()
  }

  #pipelineOf (m: ChatMessage): Pipeline | undefined {
    if (m.private === true) return undefined
    if (m.room !== undefined) return this.chat.room(m.room)?.pipeline
    return this.chat.pipeline
  }

  #markOf (m: ChatMessage): ShownMessage['mark'] {
    if (m.senderId !== this.selfId) return undefined
    const pipeline = this.#pipelineOf(m)
    if (pipeline === undefined) return 'stored'
    return pipeline.holders(m.id).length > 0 ? 'delivered' : 'pending'
  }

  #add (m: ChatMessage, notify = true): void {
    if (this.#seen.has(m.id)) return
    this.#seen.add(m.id)
    const key = conversationKey(conversationOf(m, this.selfId))
    const list = this.#messages.get(key) ?? []
    list.push({ message: m, own: m.senderId === this.selfId, mark: this.#markOf(m) })
    this.#messages.set(key, list)
    if (notify) this.#changed()
  }

  readonly #changed = (): void => { this.#onChange() }

  #tick (): void {
    let changed = false
    for (const list of this.#messages.values()) {
      for (const shown of list) {
        if (shown.mark !== 'pending') continue
        const mark = this.#markOf(shown.message)
        if (mark !== 'pending') { shown.mark = mark; changed = true }
      }
    }
    const before = JSON.stringify(this.state())
    this.#stateNow = this.#computeState()
    if (changed || JSON.stringify(this.#stateNow) !== before) this.#changed()
  }

  #stateNow: NetworkState = { kind: 'offline' }

  /** Online, offline or catching up (with what arrived since the connection came back). */
  state (): NetworkState { return this.#stateNow }

  #computeState (): NetworkState {
    if (this.chat.node === undefined) return { kind: 'offline' }
    const peers = this.chat.peers().length
    const sync = this.chat.networkStats().pipeline.sync
    const c = this.#catchUp
    if (peers > 0 && c.peersBefore === 0) { c.base = sync.sessions; c.received = sync.entriesReceived; c.caught = undefined }
    c.peersBefore = peers
    if (peers === 0) return { kind: 'offline' }
    const got = sync.entriesReceived - c.received
    // the first sync sessions after (re)connecting bring what was missed
    if (sync.sessions - c.base > 0) {
      c.caught ??= got
      return { kind: 'online', caughtUp: c.caught }
    }
    return { kind: 'catching-up', received: got }
  }

  /** The conversation a message belongs to (to open it from a search result). */
  conversationOf (m: ChatMessage): Conversation { return conversationOf(m, this.selfId) }

  /** The messages of a conversation, oldest first. */
  messages (c: Conversation): ShownMessage[] { return this.#messages.get(conversationKey(c)) ?? [] }

  /** How many of the user's messages no peer holds yet. */
  pending (): number {
    let n = 0
    for (const list of this.#messages.values()) for (const s of list) if (s.mark === 'pending') n++
    return n
  }

  /** The private conversations (either side started them) and everyone seen. */
  privatePeers (): string[] {
    const ids = new Set(this.chat.node === undefined ? [] : this.chat.privatePeers())
    for (const key of this.#messages.keys()) if (key.startsWith('dm:')) ids.add(key.slice(3))
    return [...ids]
  }

  nameOf (id: string): string { return this.people.get(id)?.name ?? `${id.slice(0, 8)}…` }

  /** Sends `text` where `c` says; shown at once (as pending until a peer holds it). */
  async send (c: Conversation, text: string): Promise<void> {
    let m: ChatMessage
    if (c.kind === 'general') m = await this.chat.sendMessage(text)
    else if (c.kind === 'room') m = await this.#room(c.name).sendMessage(text)
    else m = await this.chat.sendPrivateMessage(this.people.get(c.id) ?? c.id, text)
    this.#add(m)
  }

  #room (name: string): Room {
    const room = this.chat.room(name)
    if (room === undefined) throw new Error(`room #${name} is not open here`)
    return room
  }

  rooms (): Room[] { return this.chat.node === undefined ? [] : this.chat.rooms() }

  /** Whether this user created room `name` (then it adds and removes members). */
  ownsRoom (name: string): boolean { return this.#rooms.load().some(r => r.name === name && r.owner === undefined) }

  /** Creates a room this user owns, with `members` (ids of people seen). */
  async createRoom (name: string, members: string[]): Promise<void> {
    const room = await this.chat.createRoom(name, { members: members.map(id => this.#person(id)) })
    this.#rooms.add({ name })
    this.#watchSenders(room.pipeline)
    this.#changed()
  }

  /** Joins a member-list room created by `owner` (an id). */
  async joinRoom (name: string, owner: string): Promise<void> {
    const room = await this.chat.joinRoom(name, { owner })
    this.#rooms.add({ name, owner })
    this.#watchSenders(room.pipeline)
    this.#changed()
  }

  async addMember (room: string, id: string): Promise<void> {
    await this.#room(room).addMember(this.#person(id))
    this.#changed()
  }

  async removeMember (room: string, id: string): Promise<void> {
    await this.#room(room).removeMember(id)
    this.#changed()
  }

  #person (id: string): Identity {
    const identity = this.people.get(id)
    if (identity === undefined) throw new Error('that person has not written here yet: their identity is not known')
    return identity
  }

  async close (): Promise<void> {
    clearInterval(this.#timer)
    await this.chat.close()
  }
}
