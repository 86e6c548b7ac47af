/**
 * Encrypted rooms (the tutorial's "Encrypted Chat"): a room is an encrypted
 * pipeline named `<chat pipeline>.room.<room name>`, keyed either by a
 * member list its owner keeps (`chat.createRoom` / `chat.joinRoom(name, { owner })`)
 * or by a secret every member knows (`chat.joinRoom(name, { passphrase })`).
 */
import { isIdentity } from '@pipes/identity'
import { KeyUnavailableError, MembershipError } from '@pipes/pipeline'
import { InvalidRoomError, NotRoomMemberError } from './errors.js'
import { assertSendable, encodeMessage, sentMessage } from './message.js'
import { describeInput, toIdentity } from './users.js'
import type { ChatMessage, ChatPayload, MessageMarks } from './message.js'
import type { UserRef } from './users.js'
import type { Identity, LocalIdentity } from '@pipes/identity'
import type { EncryptedPipeline, Packet } from '@pipes/pipeline'

/** Room names: 1 to 64 letters, digits and `. _ - : # @ + =` (they become part of a pipeline name). */
export const ROOM_NAME = /^[A-Za-z0-9._:#@+=-]{1,64}$/

/** What a {@link Room} needs from its chat. */
export interface RoomInit {
  name: string
  pipeline: EncryptedPipeline
  identity: LocalIdentity
  /** Called with each packet of the room (the user's own included), with the marks of its messages. */
  onPacket: (packet: Packet, marks: MessageMarks) => void
  /** Called after each message this room sent. */
  onSent: () => void
}

/**
 * One encrypted room of a chat. Its messages reach the chat's listener with
 * `message.room` set to the room's name.
 */
export class Room {
  /** The room's name (as given to `createRoom` / `joinRoom`). */
  readonly name: string
  /** The encrypted pipeline behind the room. */
  readonly pipeline: EncryptedPipeline
  readonly #init: RoomInit

  /** @internal Use `chat.createRoom` or `chat.joinRoom`. */
  constructor (init: RoomInit) {
    this.name = init.name
    this.pipeline = init.pipeline
    this.#init = init
    this.pipeline.addPacketListener(this.#packetListener)
  }

  readonly #packetListener = (packet: Packet): void => {
    this.#init.onPacket(packet, { room: this.name })
  }

  /**
   * Sends `text` to the room as the local user; resolves once stored locally
   * (it reaches the members as soon as the node is connected to them).
   * @throws `ERR_NOT_ROOM_MEMBER` while this user holds no key for the room (not added yet, or removed)
   * @throws `ERR_INVALID_MESSAGE` for a non-string or a text over `MAX_MESSAGE_LENGTH`
   */
  async sendMessage (text: string): Promise<ChatMessage> {
    assertSendable(text)
    const timestamp = Date.now()
    const packet = await this.put({ text, sender: this.#init.identity.name, timestamp })
    this.#init.onSent()
    return sentMessage(packet, timestamp, text, { room: this.name })
  }

  /** @internal Puts a chat payload (a message, an edit, a deletion) on the room. */
  async put (payload: ChatPayload): Promise<Packet> {
    try {
      return await this.pipeline.putPacket(encodeMessage(payload))
    } catch (err) {
      if ((err instanceof MembershipError && err.code === 'ERR_NOT_MEMBER') || err instanceof KeyUnavailableError) throw new NotRoomMemberError(this.name)
      throw err
    }
  }

  /**
   * Adds a member (their `Identity` or identity JSON): they read the room
   * from the current key epoch on. Owner and admins only.
   * @throws `ERR_NOT_ADMIN` (from `@pipes/pipeline`) unless this user owns or administers a member-list room
   * @throws `ERR_INVALID_ROOM` when `member` is not an identity
   */
  async addMember (member: Identity | UserRef): Promise<void> {
    await this.pipeline.addMember(await identityOf(member, 'addMember(member)'))
  }

  /**
   * Removes a member (their `Identity`, identity JSON or id). The room moves
   * to a new key epoch the removed member cannot read: nothing sent after
   * the others have the new key reaches them.
   * @throws `ERR_NOT_ADMIN`, `ERR_NOT_REMOVABLE` (from `@pipes/pipeline`)
   */
  async removeMember (member: UserRef): Promise<void> {
    const ref = typeof member === 'string' && !member.trimStart().startsWith('{') ? member : await identityOf(member, 'removeMember(member)')
    await this.pipeline.removeMember(ref)
  }

  /** The current members, owner and admins included (empty for passphrase rooms: whoever knows it). */
  members (): Identity[] {
    return this.pipeline.members()
  }

  /** The room's key epoch: it grows with every removal (0 while this user knows no key schedule). */
  get epoch (): number {
    return this.pipeline.epoch
  }

  /** Whether this user holds the room's current key (can send and read new messages). */
  get hasKey (): boolean {
    return this.pipeline.hasKey
  }

  /** Stops delivering this room's messages to the chat (the node keeps storing and relaying it). */
  close (): void {
    this.pipeline.removePacketListener(this.#packetListener)
  }
}

/** The verified Identity of a member input, or `ERR_INVALID_ROOM`. */
export async function identityOf (member: unknown, what: string): Promise<Identity> {
  if (isIdentity(member)) return member
  try {
    return await toIdentity(member)
  } catch (err) {
    throw new InvalidRoomError(`${what} must be an Identity or its JSON (identity.toJSON()), got ${describeInput(member)}: ${(err as Error).message}`)
  }
}
