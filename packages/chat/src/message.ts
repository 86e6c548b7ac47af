import type { Packet } from '@pipes/pipeline'

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
}

/** The JSON payload put on the pipeline, as in the tutorial. */
export interface ChatPayload {
  text: string
  sender: string
  timestamp: number
}

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
 * verified identity.
 */
export function decodeMessage (packet: Packet): ChatMessage | undefined {
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
  return { text, sender: packet.sender.name, senderId: packet.sender.id, timestamp, id: packet.id, seq: packet.seq }
}
