import { PipesError } from '@pipes/identity'

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
    super('ERR_CHAT_NOT_CONNECTED', 'Not connected: call await chat.connectToNetwork(networkId) before sendMessage().')
  }
}

/** A message text the chat will not send. */
export class InvalidMessageError extends PipesError {
  static override name = 'InvalidMessageError'
  constructor (reason: string) {
    super('ERR_INVALID_MESSAGE', `Cannot send this message: ${reason}.`)
  }
}
