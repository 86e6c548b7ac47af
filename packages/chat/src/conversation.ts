import type { ChatMessage, MessageMarks } from './message.js'

/**
 * Names of a chat's conversations, as its search index and state cache know
 * them: `'main'` (the chat pipeline), `'room:<name>'`, `'private:<peer id>'`.
 */
export type ConversationName = string

export const MAIN = 'main'

export function roomConversation (room: string): ConversationName {
  return `room:${room}`
}

export function privateConversation (peerId: string): ConversationName {
  return `private:${peerId}`
}

/** The conversation a message belongs to (`selfId`: the local user's id). */
export function conversationOf (message: ChatMessage, selfId: string): ConversationName {
  if (message.room !== undefined) return roomConversation(message.room)
  if (message.private === true) return privateConversation(message.senderId === selfId ? message.to ?? '' : message.senderId)
  return MAIN
}

/** The marks of a private conversation's packet: who it is to. */
export function privateMarks (senderId: string, peerId: string, selfId: string): MessageMarks {
  return { private: true, to: senderId === selfId ? peerId : selfId }
}
