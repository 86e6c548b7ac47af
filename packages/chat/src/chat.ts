/**
 * The `Chat` class of the Pipes tutorial ("Tutorial: Chat Service" in
 * shared/spec/chat-tutorial.txt), transcribed to TypeScript. Each method
 * carries the name it has there; comments point to the tutorial's sections.
 * What differs: calls that touch disk or network are async, errors are typed,
 * and the listener gets the sender's verified name.
 */
import { PlatformAPI } from '@pipes/platform'
import { AlreadyConnectedError, ChatNotConnectedError, InvalidMessageError, UserAlreadyConfiguredError } from './errors.js'
import { decodeMessage, encodeMessage } from './message.js'
import type { ChatMessage } from './message.js'
import type { LocalIdentity } from '@pipes/identity'
import type { Packet, Pipeline } from '@pipes/pipeline'
import type { Node, PlatformAPIOptions } from '@pipes/platform'

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

/** Longest text `sendMessage` accepts, in UTF-16 code units (packets have a size limit). */
export const MAX_MESSAGE_LENGTH = 16_000

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
export class Chat {
  /** The platform API over `apiPath` (tutorial: `self.api`). */
  readonly api: PlatformAPI
  /** The node, once `connectToNetwork` ran (tutorial: `self.node`). */
  node: Node | undefined = undefined
  /** The local identity, once `connectToNetwork` ran (tutorial: `self.identity`). */
  identity: LocalIdentity | undefined = undefined
  /** The chat pipeline, once `connectToNetwork` ran (tutorial: `self.pipeline`). */
  pipeline: Pipeline | undefined = undefined
  private _listener: ChatListener | undefined = undefined
  private readonly _persistent: boolean
  private readonly _pipelineName: string
  private _connecting = false
  private readonly _stats: ChatStats = { sent: 0, received: 0, malformed: 0, listenerErrors: 0 }

  // Tutorial: __init__
  constructor (apiPath: string, options: ChatOptions = {}) {
    this.api = new PlatformAPI(apiPath, options.platform)
    this._persistent = options.persistent ?? true
    this._pipelineName = options.pipelineName ?? 'CHAT'
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
      this._setupPipeline()
      await this.node.connect()
    } finally {
      this._connecting = false
    }
  }

  // Tutorial: _setupPipeline (its "Persistent Chat" section changes the one
  // createPipeline line to persistent = True; `persistent: false` keeps the first form)
  private _setupPipeline (): void {
    const node = this.node as Node
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
    if (typeof text !== 'string') throw new InvalidMessageError('text must be a string')
    if (text.length > MAX_MESSAGE_LENGTH) throw new InvalidMessageError(`it is longer than ${MAX_MESSAGE_LENGTH} characters`)
    const message = { text, sender: this.identity.name, timestamp: Date.now() }
    const packet = await this.pipeline.putPacket(encodeMessage(message))
    this._stats.sent++
    return { text, sender: packet.sender.name, senderId: packet.sender.id, timestamp: message.timestamp, id: packet.id, seq: packet.seq }
  }

  // Tutorial: _packetListener (an arrow function, so `this` is bound when passed along)
  private readonly _packetListener = (packet: Packet, _pipeline: Pipeline): void => {
    const message = decodeMessage(packet)
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

  // Tutorial: setListener
  /** Sets (or with `undefined`, clears) the UI callback for incoming messages. */
  setListener (listener: ChatListener | undefined): void {
    this._listener = listener
  }

  // Beyond the tutorial ("History and Search" is a TODO there): what the store holds.
  /** The stored messages of a persistent chat (per-author order), e.g. after a restart. */
  async history (): Promise<ChatMessage[]> {
    if (this.pipeline === undefined) throw new ChatNotConnectedError()
    const out: ChatMessage[] = []
    for await (const packet of this.pipeline.history()) {
      const message = decodeMessage(packet)
      if (message !== undefined) out.push(message)
    }
    return out
  }

  /** Counters: sent, received, malformed (dropped) and listener errors. */
  stats (): ChatStats {
    return { ...this._stats }
  }

  /** Stops the node and releases `apiPath`. */
  async close (): Promise<void> {
    this.pipeline?.removePacketListener(this._packetListener)
    await this.api.close()
    this.node = undefined
    this.pipeline = undefined
  }
}
