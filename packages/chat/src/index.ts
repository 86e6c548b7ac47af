/**
 * @packageDocumentation
 * `@pipes/chat`: the `Chat` class of the Pipes tutorial ("Tutorial: Chat
 * Service"), in its final, persistent form, with the tutorial's last
 * sections written out: private messages on point-to-point pipelines
 * (`sendPrivateMessage`) and encrypted rooms (`createRoom`, `joinRoom`).
 *
 * @example
 * ```ts
 * import { Chat } from '@pipes/chat'
 *
 * const chat = new Chat('/tmp/alice')
 * if (!await chat.isUserConfigured()) await chat.setupUser('alice')
 * chat.setListener((m) => {
 *   const where = m.private === true ? '(private) ' : m.room !== undefined ? `[${m.room}] ` : ''
 *   console.log(`${where}${m.sender}: ${m.text}`)
 * })
 * await chat.connectToNetwork('local')
 * await chat.sendMessage('hello')
 * console.log(JSON.stringify(chat.identity))   // what others need to reach alice privately or add her to a room
 * await chat.close()
 * ```
 */
export { Chat, MAX_PIPELINE_NAME_LENGTH } from './chat.js'
export type { ChatEvents, ChatListener, ChatOptions, ChatStats, CreateRoomOptions, JoinRoomOptions } from './chat.js'
export { Room, ROOM_NAME } from './room.js'
export { decodeMessage, encodeMessage, MAX_MESSAGE_LENGTH } from './message.js'
export type { ChatMessage, ChatPayload, MessageMarks } from './message.js'
export type { UserRef } from './users.js'
export { keyFingerprint, safetyNumber } from './safety-number.js'
export {
  AlreadyConnectedError, ChatNotConnectedError, InvalidChatOptionsError, InvalidMessageError, InvalidRecipientError,
  InvalidRoomError, NotRoomMemberError, UserAlreadyConfiguredError
} from './errors.js'
