import { PipesError } from '@pipes/interface'

/** `setupUser` on an `apiPath` that already has its user. */
export class UserAlreadyConfiguredError extends PipesError {
  static override name = 'UserAlreadyConfiguredError'
  constructor (name: string) {
    super('ERR_USER_ALREADY_CONFIGURED',
      `User is already configured: ${name}. Check isUserConfigured() before setupUser(), or use another apiPath for another user.`)
  }
}

/** `connectToNetwork` on a chat that is already connected. */
export class AlreadyConnectedError extends PipesError {
  static override name = 'AlreadyConnectedError'
  constructor (networkId: string) {
    super('ERR_ALREADY_CONNECTED',
      `Already connected to network "${networkId}". One Chat joins one network; close() it and make another Chat to switch.`)
  }
}

/** `sendMessage` before `connectToNetwork`. */
export class ChatNotConnectedError extends PipesError {
  static override name = 'ChatNotConnectedError'
  constructor () {
    super('ERR_CHAT_NOT_CONNECTED', 'Not connected: call await chat.connectToNetwork(networkId) first (sendMessage, rooms, dial and the other network calls need it).')
  }
}

/** A message text the chat will not send. */
export class InvalidMessageError extends PipesError {
  static override name = 'InvalidMessageError'
  constructor (reason: string) {
    super('ERR_INVALID_MESSAGE', `Cannot send this message: ${reason}.`)
  }
}

/** `sendPrivateMessage` to someone who is not a usable identity. */
export class InvalidRecipientError extends PipesError {
  static override name = 'InvalidRecipientError'
  constructor (reason: string) {
    super('ERR_INVALID_RECIPIENT',
      `Cannot send a private message: ${reason}. Pass the recipient's Identity, its identity JSON (identity.toJSON()) or its id ("12D3KooW...").`)
  }
}

/** A room name, room options or member the chat cannot use. */
export class InvalidRoomError extends PipesError {
  static override name = 'InvalidRoomError'
  constructor (reason: string) {
    super('ERR_INVALID_ROOM', `Cannot use this room: ${reason}.`)
  }
}

/** `room.sendMessage` before this user holds the room's current key. */
export class NotRoomMemberError extends PipesError {
  static override name = 'NotRoomMemberError'
  constructor (room: string) {
    super('ERR_NOT_ROOM_MEMBER',
      `Cannot send to room "${room}" yet: this user holds no key for it. In a member-list room an admin must add you (send them chat.identity.toJSON()); wait for room.hasKey. A removed member cannot send any more.`)
  }
}

/** Options of `new Chat` the chat cannot use. */
export class InvalidChatOptionsError extends PipesError {
  static override name = 'InvalidChatOptionsError'
  constructor (reason: string) {
    super('ERR_INVALID_CHAT_OPTIONS', `Cannot make this Chat: ${reason}.`)
  }
}

/** A search query or option the chat cannot use. */
export class InvalidSearchError extends PipesError {
  static override name = 'InvalidSearchError'
  constructor (reason: string) {
    super('ERR_INVALID_SEARCH', `Cannot search: ${reason}.`)
  }
}

/** A history page option the chat cannot use. */
export class InvalidHistoryOptionsError extends PipesError {
  static override name = 'InvalidHistoryOptionsError'
  constructor (reason: string) {
    super('ERR_INVALID_HISTORY_OPTIONS', `Cannot read this history page: ${reason}.`)
  }
}

/** `editMessage`/`deleteMessage` of a message this chat does not hold. */
export class UnknownMessageError extends PipesError {
  static override name = 'UnknownMessageError'
  constructor (id: string) {
    super('ERR_UNKNOWN_MESSAGE', `No message ${String(id).slice(0, 16)}… here (deleted, or never received): pass the id of a message the listener or history() gave.`)
  }
}

/** `editMessage`/`deleteMessage` of someone else's message. */
export class NotMessageAuthorError extends PipesError {
  static override name = 'NotMessageAuthorError'
  constructor () {
    super('ERR_NOT_MESSAGE_AUTHOR', 'Only a message\'s author can edit or delete it: this message was sent by another user.')
  }
}
