import { InvalidSearchError } from '../errors.js'
import { privateConversation, roomConversation } from '../conversation.js'
import { words } from './fold.js'
import type { ChatMessage } from '../message.js'

/** Options of `chat.search(query, options)`; filters combine (all must hold). */
export interface SearchOptions {
  /** Only this room's messages (its name). */
  room?: string
  /** Only the private conversation with this user (their id or `Identity`). */
  peer?: string | { id: string }
  /** Only messages of this sender: their identity id or name. */
  sender?: string
  /** Only messages sent after this time (ms since the epoch). */
  after?: number
  /** Only messages sent before this time (ms since the epoch). */
  before?: number
  /** Most results, best first: 1 to {@link MAX_SEARCH_RESULTS}, default 20. */
  limit?: number
}

/** Longest query, in UTF-16 code units. */
export const MAX_QUERY_LENGTH = 1000
/** Most words in a query. */
export const MAX_QUERY_WORDS = 32
/** Most results one search returns. */
export const MAX_SEARCH_RESULTS = 200

/** A checked search: what to look for, where, and which messages pass the filters. */
export interface SearchPlan {
  query: string
  /** Conversations to look in; undefined: all of them. */
  conversations: string[] | undefined
  keep: (m: ChatMessage) => boolean
  limit: number
}

/**
 * Checks a query and its options.
 * @returns undefined for a query with no words (nothing to find)
 * @throws {@link InvalidSearchError} for a query that is not a string or too long, or a bad option
 */
export function planSearch (query: unknown, options: unknown): SearchPlan | undefined {
  if (typeof query !== 'string') throw new InvalidSearchError(`the query must be a string, got ${typeof query}`)
  if (query.length > MAX_QUERY_LENGTH) throw new InvalidSearchError(`the query is ${query.length} characters, over ${MAX_QUERY_LENGTH}: search for fewer words`)
  if (options === null || typeof options !== 'object') throw new InvalidSearchError('options must be an object { room?, peer?, sender?, after?, before?, limit? }')
  const o = options as Record<string, unknown>
  const found = words(query.normalize('NFC'))
  if (found.length > MAX_QUERY_WORDS) throw new InvalidSearchError(`the query has ${found.length} words, over ${MAX_QUERY_WORDS}`)
  if (o.room !== undefined && typeof o.room !== 'string') throw new InvalidSearchError('room must be a room name')
  const peer = o.peer === undefined ? undefined : typeof o.peer === 'string' ? o.peer : (o.peer as { id?: unknown }).id
  if (o.peer !== undefined && typeof peer !== 'string') throw new InvalidSearchError('peer must be a user id or Identity')
  if (o.room !== undefined && peer !== undefined) throw new InvalidSearchError('give room or peer, not both')
  if (o.sender !== undefined && typeof o.sender !== 'string') throw new InvalidSearchError('sender must be an identity id or a name')
  for (const k of ['after', 'before'] as const) {
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !Number.isFinite(o[k]))) throw new InvalidSearchError(`${k} must be a time in ms since the epoch`)
  }
  const limit = o.limit ?? 20
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_RESULTS) throw new InvalidSearchError(`limit must be an integer from 1 to ${MAX_SEARCH_RESULTS}`)
  if (found.length === 0) return undefined
  const sender = o.sender as string | undefined
  const after = o.after as number | undefined
  const before = o.before as number | undefined
  return {
    query: found.join(' '),
    conversations: o.room !== undefined ? [roomConversation(o.room as string)] : peer !== undefined ? [privateConversation(peer as string)] : undefined,
    keep: (m) => (sender === undefined || m.senderId === sender || m.sender === sender) &&
      (after === undefined || m.timestamp > after) && (before === undefined || m.timestamp < before),
    limit
  }
}
