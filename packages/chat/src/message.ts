import { InvalidMessageError } from './errors.js'
import type { Packet } from '@pipes/pipeline'

/** Longest text a chat sends, in UTF-16 code units (packets have a size limit). */
export const MAX_MESSAGE_LENGTH = 16_000

/** A chat message as the UI listener receives it. */
export interface ChatMessage {
  /** What the sender typed. */
  text: string
  /**
   * The sender's name, from the verified identity that signed the packet
   * (`packet.sender.name`), never from the message's JSON.
   */
  sender: string
  /** The sender's identity id (its peer id): tells two users of one name apart. */
  senderId: string
  /** When the sender entered the message, in ms since the epoch (the sender's clock). */
  timestamp: number
  /** The packet id (hash of the signed entry): unique per message. */
  id: string
  /** The sender's sequence number on the pipeline: messages of one sender arrive in this order. */
  seq: number
  /** `true` for a private message (`sendPrivateMessage`); absent otherwise. */
  private?: true
  /** Private messages: the recipient's identity id (the local user's, or, for the user's own, the peer's). */
  to?: string
  /** Room messages: the room's name; absent for the main channel and private messages. */
  room?: string
  /** `true` once its author edited it (`text` is the current text); absent otherwise. */
  edited?: true
}

/** Where a message was received: what {@link decodeMessage} adds to the message. */
export type MessageMarks = { private: true, to: string } | { room: string } | Record<string, never>

/** The JSON payload put on the pipeline, as in the tutorial. */
export interface ChatPayload {
  text: string
  sender: string
  timestamp: number
  /** An edit: the id of the message whose text becomes `text` (its author's only). */
  edits?: string
  /** A deletion: the id of the message to delete (its author's only); `text` is empty. */
  deletes?: string
}

/** What a packet of the chat is: a message, or an edit or deletion of one (by `target` id). */
export type ChatRecord =
  | { kind: 'message', message: ChatMessage }
  | { kind: 'edit', target: string, message: ChatMessage }
  | { kind: 'delete', target: string, message: ChatMessage }

const PACKET_ID = /^[0-9a-f]{64}$/

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Encodes the tutorial's JSON payload. */
export function encodeMessage (payload: ChatPayload): Uint8Array {
  return encoder.encode(JSON.stringify(payload))
}

/**
 * Decodes a packet into a {@link ChatMessage}, or returns `undefined` when its
 * payload is not the tutorial's JSON (not UTF-8, not JSON, `text` not a string,
 * `timestamp` not a finite number). The sender comes from the packet's
 * verified identity; `marks` say where it was received (private, a room).
 */
export function decodeMessage (packet: Packet, marks: MessageMarks = {}): ChatMessage | undefined {
  return parse(packet, marks)?.message
}

/**
 * Decodes a packet into what it is for the chat: a message, or an edit or
 * deletion (whose `message` is the record itself: its sender, time, id);
 * `undefined` when malformed (also an edit or deletion whose target is not an id).
 */
export function decodeRecord (packet: Packet, marks: MessageMarks = {}): ChatRecord | undefined {
  const parsed = parse(packet, marks)
  if (parsed === undefined) return undefined
  const { message, value } = parsed
  if (value.edits !== undefined) return typeof value.edits === 'string' && PACKET_ID.test(value.edits) ? { kind: 'edit', target: value.edits, message } : undefined
  if (value.deletes !== undefined) return typeof value.deletes === 'string' && PACKET_ID.test(value.deletes) ? { kind: 'delete', target: value.deletes, message } : undefined
  return { kind: 'message', message }
}

function parse (packet: Packet, marks: MessageMarks): { message: ChatMessage, value: Record<string, unknown> } | undefined {
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(packet.data))
  } catch {
    return undefined
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const { text, timestamp } = value as Record<string, unknown>
  if (typeof text !== 'string') return undefined
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return undefined
  return { message: { text, sender: packet.sender.name, senderId: packet.sender.id, timestamp, id: packet.id, seq: packet.seq, ...marks }, value: value as Record<string, unknown> }
}

/**
 * Checks a text before it is sent.
 * @throws {@link InvalidMessageError} when it is not a string or longer than {@link MAX_MESSAGE_LENGTH}
 */
export function assertSendable (text: unknown): asserts text is string {
  if (typeof text !== 'string') throw new InvalidMessageError('text must be a string')
  if (text.length > MAX_MESSAGE_LENGTH) throw new InvalidMessageError(`it is longer than ${MAX_MESSAGE_LENGTH} characters`)
}

/** What a send returns: the message as the listener will show it. */
export function sentMessage (packet: Packet, timestamp: number, text: string, marks: MessageMarks = {}): ChatMessage {
  return { text, sender: packet.sender.name, senderId: packet.sender.id, timestamp, id: packet.id, seq: packet.seq, ...marks }
}
