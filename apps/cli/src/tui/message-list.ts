/**
 * The messages the pane shows, oldest first, each once (the listener, the
 * stored history and our own sends can all bring the same message). Our
 * own messages carry a delivery state: pending until a peer is known to
 * hold them (a receipt), then delivered.
 */
import type { ChatMessage } from '@pipes/chat'
import type { Pipeline } from '@pipes/platform'
import { ansi } from './ansi.js'
import type { Span } from './ansi.js'
import { colourFor } from './colours.js'

/** One row of the pane: a message, or a line from the chat itself. */
export type Entry =
  | { kind: 'message', message: ChatMessage, where: string, own: boolean, pipeline: Pipeline | undefined, delivered: boolean }
  | { kind: 'system', text: string }

/** Most entries kept in memory (older ones are in the store: /history shows them). */
const MAX_ENTRIES = 2000

export class MessageList {
  readonly #entries: Entry[] = []
  readonly #ids = new Set<string>()

  /** Adds a message unless it is shown already; `where` is its place (`#room`, `@name`, or '' for the main channel). */
  addMessage (message: ChatMessage, where: string, own: boolean, pipeline: Pipeline | undefined): boolean {
    if (this.#ids.has(message.id)) return false
    this.#ids.add(message.id)
    const delivered = !own || pipeline === undefined || pipeline.holders(message.id).length > 0
    this.#push({ kind: 'message', message, where, own, pipeline, delivered })
    return true
  }

  /** Adds a line of the chat's own (help, lists, results of commands). */
  addSystem (text: string): void {
    for (const line of text.split('\n')) this.#push({ kind: 'system', text: line })
  }

  #push (entry: Entry): void {
    this.#entries.push(entry)
    if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES)
  }

  /** Our messages no peer is known to hold yet. */
  pending (): number {
    return this.#entries.filter(e => e.kind === 'message' && !e.delivered).length
  }

  /** Marks our messages a peer now holds; true when any changed. */
  refreshDelivery (): boolean {
    let changed = false
    for (const e of this.#entries) {
      if (e.kind === 'message' && !e.delivered && e.pipeline !== undefined && e.pipeline.holders(e.message.id).length > 0) {
        e.delivered = true
        changed = true
      }
    }
    return changed
  }

  /** The pane's content. */
  render (): Span[][] {
    return this.#entries.map(e => {
      if (e.kind === 'system') return [{ text: `-- ${e.text}`, style: ansi.dim }]
      const m = e.message
      const time = new Date(m.timestamp).toTimeString().slice(0, 5)
      const spans: Span[] = [{ text: `${time} `, style: ansi.dim }]
      if (e.where !== '') spans.push({ text: `${e.where} `, style: ansi.bold })
      spans.push({ text: m.sender, style: colourFor(m.senderId) }, { text: `: ${m.text}` })
      if (e.own && e.pipeline !== undefined) spans.push(e.delivered ? { text: ' ✓', style: ansi.dim } : { text: ' (pending)', style: ansi.dim })
      return spans
    })
  }
}
