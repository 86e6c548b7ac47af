import { publicKeyFromPeerId } from '@pipes/identity'
import { InvalidHistoryOptionsError, UnknownMessageError } from './errors.js'
import { MAIN, privateConversation, privateMarks, roomConversation } from './conversation.js'
import { decodeRecord, encodeMessage } from './message.js'
import { describeInput, toUserKey } from './users.js'
import type { ChatHistoryOptions } from './history.js'
import type { ChatPayload, ChatRecord, MessageMarks } from './message.js'
import type { PrivateChats } from './private-chat.js'
import type { Rooms } from './rooms.js'
import type { UserKey } from './users.js'
import type { Packet, Pipeline } from '@pipes/pipeline'

/** What {@link Conversations} reads from its chat (as it is now: rooms and private chats come and go). */
export interface ConversationsInit {
  main: () => Pipeline | undefined
  rooms: () => Rooms | undefined
  privates: () => PrivateChats | undefined
  selfId: () => string
}

/**
 * Where each conversation of a chat lives: the main pipeline, a room's
 * encrypted pipeline, a private chat's point-to-point pipeline; how its
 * packets are marked, how to read it back (to rebuild its search index) and
 * how to put a record on it (an edit, a deletion).
 */
export class Conversations {
  readonly #init: ConversationsInit

  constructor (init: ConversationsInit) {
    this.#init = init
  }

  /** The conversations open now. */
  open (): string[] {
    const { main, rooms, privates } = this.#init
    return [
      ...(main() === undefined ? [] : [MAIN]),
      ...(rooms()?.all() ?? []).map(r => roomConversation(r.name)),
      ...(privates()?.peers() ?? []).map(privateConversation)
    ]
  }

  /** The pipeline of a conversation and the marks of its messages; undefined while it is not open here. */
  pipelineOf (conversation: string): { pipeline: Pipeline, marks: (packet: Packet) => MessageMarks } | undefined {
    if (conversation === MAIN) {
      const pipeline = this.#init.main()
      return pipeline === undefined ? undefined : { pipeline, marks: () => ({}) }
    }
    if (conversation.startsWith('room:')) {
      const name = conversation.slice('room:'.length)
      const room = this.#init.rooms()?.get(name)
      return room === undefined ? undefined : { pipeline: room.pipeline, marks: () => ({ room: name }) }
    }
    const peerId = conversation.slice('private:'.length)
    const privates = this.#init.privates()
    if (privates === undefined || !privates.peers().includes(peerId)) return undefined
    const self = this.#init.selfId()
    return { pipeline: privates.conversation(keyOf(peerId)), marks: (packet) => privateMarks(packet.sender.id, peerId, self) }
  }

  /** A conversation's stored records in log order (to rebuild its index from); undefined while it is not open here. */
  source (conversation: string): AsyncIterable<ChatRecord> | undefined {
    const found = this.pipelineOf(conversation)
    if (found === undefined) return undefined
    return (async function * () {
      for await (const packet of found.pipeline.history()) {
        const record = decodeRecord(packet, found.marks(packet))
        if (record !== undefined) yield record
      }
    })()
  }

  /**
   * The conversation history options name: a room open here, the private
   * chat with a peer (opened if new), or the main channel.
   * @throws {@link InvalidHistoryOptionsError} for a room not open here, a bad peer, or both given
   */
  async named (options: ChatHistoryOptions | undefined): Promise<string> {
    if (options === undefined) return MAIN
    if (options === null || typeof options !== 'object') throw new InvalidHistoryOptionsError('options must be an object { room?, peer?, before?, after?, limit?, reverse? }')
    if (options.room !== undefined && options.peer !== undefined) throw new InvalidHistoryOptionsError('give room or peer, not both')
    if (options.room !== undefined) {
      if (typeof options.room !== 'string' || this.#init.rooms()?.get(options.room) === undefined) throw new InvalidHistoryOptionsError(`room ${describeInput(options.room)} is not open here (createRoom or joinRoom it first)`)
      return roomConversation(options.room)
    }
    if (options.peer !== undefined) {
      const peer = await toUserKey(typeof options.peer === 'string' ? options.peer : options.peer?.id).catch(() => undefined)
      if (peer === undefined || peer.id === this.#init.selfId()) throw new InvalidHistoryOptionsError(`peer must be another user's id or Identity, got ${describeInput(options.peer)}`)
      this.#init.privates()?.conversation(peer)
      return privateConversation(peer.id)
    }
    return MAIN
  }

  /** Puts a chat payload (an edit, a deletion) on a conversation; resolves once stored locally. */
  async put (conversation: string, payload: ChatPayload): Promise<void> {
    if (conversation === MAIN) {
      const pipeline = this.#init.main()
      if (pipeline === undefined) throw new UnknownMessageError(conversation)
      await pipeline.putPacket(encodeMessage(payload))
    } else if (conversation.startsWith('room:')) {
      const room = this.#init.rooms()?.get(conversation.slice('room:'.length))
      if (room === undefined) throw new UnknownMessageError(conversation)
      await room.put(payload)
    } else {
      const privates = this.#init.privates()
      if (privates === undefined) throw new UnknownMessageError(conversation)
      await privates.send(keyOf(conversation.slice('private:'.length)), encodeMessage(payload))
    }
  }
}

function keyOf (peerId: string): UserKey {
  return { id: peerId, publicKey: publicKeyFromPeerId(peerId) }
}
