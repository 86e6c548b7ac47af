import type { ChatMessage } from '@pipes/chat'

/** The messages one user's listener received, with waits that wake on each new one. */
export class Inbox {
  readonly messages: Array<ChatMessage & { receivedAt: number }> = []
  readonly #waiters = new Set<() => void>()

  /** Records a message (use as, or inside, the chat listener). */
  add (message: ChatMessage, receivedAt: number): void {
    this.messages.push({ ...message, receivedAt })
    for (const wake of this.#waiters) wake()
  }

  /** Whether a message with this text has arrived. */
  has (text: string): boolean {
    return this.messages.some(m => m.text === text)
  }

  /** Resolves once every text in `texts` has arrived; rejects after `timeoutMs`. */
  async waitFor (texts: string[], who: string, timeoutMs = 10_000): Promise<void> {
    const done = (): boolean => texts.every(t => this.has(t))
    if (done()) return
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        if (!done()) return
        clearTimeout(timer)
        this.#waiters.delete(wake)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(wake)
        const missing = texts.filter(t => !this.has(t))
        reject(new Error(`${who} did not receive ${missing.map(t => JSON.stringify(t)).join(', ')} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiters.add(wake)
    })
  }
}
