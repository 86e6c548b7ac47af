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
export { Chat } from './chat.js'
export { MAX_PIPELINE_NAME_LENGTH } from './chat-options.js'
export type { ChatEvents, ChatListener, ChatOptions, ChatStats, ConnectOptions } from './chat-options.js'
export type { CreateRoomOptions, JoinRoomOptions } from './rooms.js'
export type { ChatHistoryOptions } from './history.js'
export type { SearchOptions } from './search/search-options.js'
export { MAX_QUERY_LENGTH, MAX_QUERY_WORDS, MAX_SEARCH_RESULTS } from './search/search-options.js'
export type { SearchHit } from './search/shard.js'
export type { RebuildProgress } from './search/search-index.js'
export { Room, ROOM_NAME } from './room.js'
export { decodeMessage, decodeRecord, encodeMessage, MAX_MESSAGE_LENGTH } from './message.js'
export type { ChatMessage, ChatPayload, ChatRecord, MessageMarks } from './message.js'
export type { UserRef } from './users.js'
export {
  AlreadyConnectedError, ChatNotConnectedError, InvalidChatOptionsError, InvalidHistoryOptionsError, InvalidMessageError, InvalidRecipientError,
  InvalidRoomError, InvalidSearchError, NotMessageAuthorError, NotRoomMemberError, UnknownMessageError, UserAlreadyConfiguredError
} from './errors.js'
