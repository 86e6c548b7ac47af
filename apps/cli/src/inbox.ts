import { Collector } from '@pipes/test-support'
import type { ChatMessage } from '@pipes/chat'

/** The messages one user's listener received, with waits that wake on each new one. */
export class Inbox {
  readonly #got = new Collector<ChatMessage & { receivedAt: number }>()
  readonly messages = this.#got.items

  /** Records a message (use as, or inside, the chat listener). */
  add (message: ChatMessage, receivedAt: number): void {
    this.#got.push({ ...message, receivedAt })
  }

  /** Whether a message with this text has arrived. */
  has (text: string): boolean {
    return this.messages.some(m => m.text === text)
  }

  /** Resolves once every text in `texts` has arrived; rejects after `timeoutMs`. */
  async waitFor (texts: string[], who: string, timeoutMs = 10_000): Promise<void> {
    await this.#got.waitFor(() => texts.every(t => this.has(t)), `${who} receives ${texts.map(t => JSON.stringify(t)).join(', ')}`, timeoutMs)
  }
}
