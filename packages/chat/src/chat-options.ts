/** The options, counters and events of a `Chat`. */
import type { ChatMessage } from './message.js'
import type { RebuildProgress } from './search/search-index.js'
import type { PlatformAPIOptions } from '@pipes/platform'

/** The UI callback: called once per message, the user's own included. */
export type ChatListener = (message: ChatMessage) => void

/** Options of `Chat`. */
export interface ChatOptions {
  /**
   * `true` (the default): the tutorial's final form ("Persistent Chat"):
   * messages are stored and reach nodes that were offline when they were sent.
   * `false`: the tutorial's first form: only nodes online at send time get them.
   */
  persistent?: boolean
  /** The pipeline's name; the tutorial's `'CHAT'` by default. */
  pipelineName?: string
  /** Passed to `new PlatformAPI(apiPath, options)` (e.g. a key file passphrase). */
  platform?: PlatformAPIOptions
}

/** What `Chat.stats` reports. */
export interface ChatStats {
  /** Messages this chat sent. */
  sent: number
  /** Messages passed to the listener (or received while no listener was set). */
  received: number
  /** Packets dropped because their payload was not the chat's JSON. */
  malformed: number
  /** Edits and deletions dropped: not by the message's author, or of a message not held here. */
  changesRefused: number
  /** Times the UI listener threw; the chat carries on. */
  listenerErrors: number
}

/** The events a `Chat` dispatches (`chat.addEventListener('peer:joined', e => e.detail)`). */
export interface ChatEvents {
  /** A peer connected to this user's node (detail: the peer's id). */
  'peer:joined': CustomEvent<string>
  /** A peer is no longer connected (detail: the peer's id). */
  'peer:left': CustomEvent<string>
  /** A message was edited by its author (detail: the message with its new text, `edited: true`). */
  edited: CustomEvent<ChatMessage>
  /** A message was deleted by its author (detail: the message as it was; its text is gone from this device's index). */
  deleted: CustomEvent<ChatMessage>
  /** A conversation's search index is being rebuilt from its log (missing or damaged): progress. */
  'search:rebuild': CustomEvent<RebuildProgress>
}

/** Options of `Chat.connectToNetwork`. */
export interface ConnectOptions {
  /**
   * Set everything up (pipelines, the rooms the chat was in, history and
   * search) but stay offline: a restarted app shows its screen at once;
   * `reconnect()` goes online.
   */
  offline?: boolean
}

/** Longest `pipelineName`: private and room pipelines add to it. */
export const MAX_PIPELINE_NAME_LENGTH = 48
