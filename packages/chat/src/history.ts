import { DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE } from '@pipes/pipeline'
import { InvalidHistoryOptionsError } from './errors.js'
import { decodeRecord } from './message.js'
import type { ChatMessage, MessageMarks } from './message.js'
import type { HistoryOptions, Packet, Pipeline } from '@pipes/pipeline'

/**
 * Options of `chat.history(options)`: one page of one conversation, in time
 * order (newest first with `reverse`), through the pipeline's time index.
 */
export interface ChatHistoryOptions extends HistoryOptions {
  /** A room's messages (its name) instead of the main channel's. */
  room?: string
  /** A private conversation's messages: the other user's id (or `Identity`). */
  peer?: string | { id: string }
}

/** The page options of `chat.history(options)` as the pipeline takes them (no conversation fields). */
export function pageOf (options: ChatHistoryOptions | undefined): HistoryOptions | undefined {
  if (options === undefined) return undefined
  const page: HistoryOptions = {}
  if (options.before !== undefined) page.before = options.before
  if (options.after !== undefined) page.after = options.after
  if (options.limit !== undefined) page.limit = options.limit
  if (options.reverse !== undefined) page.reverse = options.reverse
  return page
}

/**
 * The messages of a conversation's pipeline as the listener shows them, in
 * its current form (`current`: edited text, or undefined once deleted):
 * edits and deletions are records, not messages, so a page is read on
 * until it holds `limit` messages or the pipeline has no more.
 */
export async function * messagePages (
  pipeline: Pipeline, options: HistoryOptions | undefined, marks: (packet: Packet) => MessageMarks, current: (m: ChatMessage) => Promise<ChatMessage | undefined>
): AsyncIterable<ChatMessage> {
  if (options === undefined) {
    for await (const packet of pipeline.history()) {
      const record = decodeRecord(packet, marks(packet))
      const message = record?.kind === 'message' ? await current(record.message) : undefined
      if (message !== undefined) yield message
    }
    return
  }
  const limit = options.limit ?? DEFAULT_HISTORY_PAGE
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) throw new InvalidHistoryOptionsError(`limit must be an integer from 1 to ${MAX_HISTORY_PAGE}, got ${String(limit)}`)
  let cursor: HistoryOptions = { ...options }
  let given = 0
  while (given < limit) {
    let read = 0
    let last: string | undefined
    const want = limit - given
    for await (const packet of pipeline.history({ ...cursor, limit: want })) {
      read++
      last = packet.id
      const record = decodeRecord(packet, marks(packet))
      const message = record?.kind === 'message' ? await current(record.message) : undefined
      if (message === undefined) continue
      given++
      yield message
    }
    if (read < want || last === undefined) return
    cursor = cursor.reverse === true ? { ...cursor, before: last } : { ...cursor, after: last }
  }
}
