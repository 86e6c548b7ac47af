/**
 * @packageDocumentation
 * `@pipes/chat`: the `Chat` class of the Pipes tutorial ("Tutorial: Chat
 * Service"), in its final, persistent form.
 *
 * @example
 * ```ts
 * import { Chat } from '@pipes/chat'
 *
 * const chat = new Chat('/tmp/alice')
 * if (!await chat.isUserConfigured()) await chat.setupUser('alice')
 * chat.setListener((m) => { console.log(`${m.sender}: ${m.text}`) })
 * await chat.connectToNetwork('local')
 * await chat.sendMessage('hello')
 * await chat.close()
 * ```
 */
export { Chat, MAX_MESSAGE_LENGTH } from './chat.js'
export type { ChatListener, ChatOptions, ChatStats } from './chat.js'
export { decodeMessage, encodeMessage } from './message.js'
export type { ChatMessage, ChatPayload } from './message.js'
export {
  AlreadyConnectedError, ChatNotConnectedError, InvalidMessageError, UserAlreadyConfiguredError
} from './errors.js'
