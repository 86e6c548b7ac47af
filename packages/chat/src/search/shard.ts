import MiniSearch from 'minisearch'
import { foldTerm, wordSpans, words } from './fold.js'
import type { ChatMessage } from '../message.js'
import type { AsPlainObject, Options, SearchResult as MiniResult } from 'minisearch'

/** Fields of a message kept in the index beside its terms (what a result shows). */
const STORED = ['id', 'text', 'sender', 'senderId', 'timestamp', 'seq', 'private', 'to', 'room', 'edited'] as const

/** Shortest word a typo is allowed in, and most typos per word. */
const FUZZY_FROM = 4
const MAX_TYPOS = 2

const OPTIONS: Options<ChatMessage> = {
  idField: 'id',
  fields: ['text'],
  storeFields: [...STORED],
  tokenize: words,
  processTerm: (term: string) => foldTerm(term) || null,
  // rebuilt in batches while searches go on
  autoVacuum: { batchSize: 1000, batchWait: 10, minDirtCount: 20, minDirtFactor: 0.1 },
  searchOptions: {
    combineWith: 'AND',
    // the last word may be half typed
    prefix: (_term: string, i: number, all: string[]) => i === all.length - 1,
    fuzzy: (term: string) => term.length >= FUZZY_FROM ? 0.25 : false,
    maxFuzzy: MAX_TYPOS
  }
}

/** A found message: its current form, its score, and where the matched words are in its text. */
export interface SearchHit {
  message: ChatMessage
  /** Relevance (BM25 with prefix and typo matches weighted down): higher is better. */
  score: number
  /** The matched words in `message.text` as UTF-16 offsets (`text.slice(start, end)`), in order: for highlighting. */
  matches: Array<{ start: number, end: number }>
}

/** What a snapshot of a shard holds. */
export interface ShardSnapshot {
  v: 1
  index: AsPlainObject
  deleted: string[]
}

/**
 * The search index of one conversation (the main channel, a room, a private
 * chat): a MiniSearch index of its messages, with their current text and
 * fields stored beside the terms, and the ids of deleted ones (so a
 * deletion replayed or an old copy of the message is never indexed again).
 */
export class Shard {
  readonly name: string
  readonly #ms: MiniSearch<ChatMessage>
  readonly #deleted: Set<string>

  constructor (name: string, snapshot?: ShardSnapshot) {
    this.name = name
    if (snapshot === undefined) {
      this.#ms = new MiniSearch<ChatMessage>(OPTIONS)
      this.#deleted = new Set()
    } else {
      if (snapshot.v !== 1 || !Array.isArray(snapshot.deleted)) throw new Error(`not a search snapshot of version 1 (${String(snapshot.v)})`)
      this.#ms = MiniSearch.loadJS<ChatMessage>(snapshot.index, OPTIONS)
      this.#deleted = new Set(snapshot.deleted)
    }
  }

  /** Messages indexed. */
  get size (): number { return this.#ms.documentCount }

  /** The message as indexed now (its current text), if indexed and not deleted. */
  get (id: string): ChatMessage | undefined {
    return this.#ms.getStoredFields(id) as ChatMessage | undefined
  }

  isDeleted (id: string): boolean {
    return this.#deleted.has(id)
  }

  /** Indexes a message once: false when it is indexed already or was deleted. */
  add (message: ChatMessage): boolean {
    if (this.#deleted.has(message.id) || this.#ms.has(message.id)) return false
    this.#ms.add(storedOf(message))
    return true
  }

  /** Puts the current form of a message (a new one, or an edit of one indexed). */
  put (message: ChatMessage): void {
    if (this.#deleted.has(message.id)) return
    if (this.#ms.has(message.id)) this.#ms.replace(storedOf(message))
    else this.#ms.add(storedOf(message))
  }

  /** Drops a message's text and terms for good; false when it was deleted already. */
  remove (id: string): boolean {
    if (this.#deleted.has(id)) return false
    this.#deleted.add(id)
    if (this.#ms.has(id)) this.#ms.discard(id)
    return true
  }

  /** Ranked hits for `query` among the messages `keep` accepts. */
  search (query: string, keep: (m: ChatMessage) => boolean): SearchHit[] {
    const results = this.#ms.search(query, { filter: (r) => keep(r as unknown as ChatMessage) })
    return results.map(r => hitOf(r))
  }

  toJSON (): ShardSnapshot {
    return { v: 1, index: this.#ms.toJSON(), deleted: [...this.#deleted] }
  }
}

function storedOf (m: ChatMessage): ChatMessage {
  const out: Record<string, unknown> = {}
  for (const k of STORED) if (m[k] !== undefined) out[k] = m[k]
  return out as unknown as ChatMessage
}

function hitOf (r: MiniResult): SearchHit {
  const message: Record<string, unknown> = {}
  for (const k of STORED) if (r[k] !== undefined) message[k] = r[k]
  const text = String(message.text ?? '')
  const matched = new Set(r.terms)
  const matches = wordSpans(text).filter(w => matched.has(foldTerm(w.word))).map(w => ({ start: w.start, end: w.end }))
  return { message: message as unknown as ChatMessage, score: r.score, matches }
}
