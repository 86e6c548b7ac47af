import { join } from 'node:path'
import { Collector, Scratch as BaseScratch, waitForEvent } from '@pipes/test-support'
import { Chat } from '../src/index.js'
import type { ChatMessage, ChatOptions } from '../src/index.js'
import type { LocalIdentity } from '@pipes/identity'
import type { PlatformNode } from '@pipes/platform'

/** Options that make tests quicker: short gossipsub heartbeat and re-sync interval. */
export const FAST: ChatOptions = { platform: { transport: { heartbeatMs: 100 }, syncIntervalMs: 1000 } }

/** Temp dirs and chats made by a test; `cleanup()` closes and removes them (call it in afterEach). */
export class Scratch extends BaseScratch {
  constructor () { super('pipes-chat-') }

  /** A chat on `apiPath` with the quick test timings, closed by `cleanup()`. */
  chat (apiPath: string, options: ChatOptions = {}): Chat {
    return this.track(new Chat(apiPath, { ...FAST, ...options }))
  }
}

/** A UI listener that records messages and lets a test wait for them, event-driven. */
export class Inbox {
  readonly #got = new Collector<ChatMessage>()
  readonly messages: ChatMessage[] = this.#got.items
  listener = this.#got.push

  texts (): string[] {
    return this.messages.map(m => m.text)
  }

  async waitFor (texts: string[], who: string, timeoutMs = 15_000): Promise<void> {
    await this.#got.waitFor(() => texts.every(t => this.texts().includes(t)), `${who} receives ${JSON.stringify(texts)}`, timeoutMs)
  }
}

/** Every item of an async iterable (such as `chat.history()`), in order. */
export async function collect<T> (items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

/** Dials `to` from `from` and waits until `to` sees the connection (through the chat's own network calls). */
export async function link (from: Chat, to: Chat, timeoutMs = 15_000): Promise<void> {
  const fromId = (from.identity as LocalIdentity).id
  const addr = to.addresses()[0]
  if (addr === undefined) throw new Error('the node to dial has no address')
  if (to.peers().includes(fromId)) return
  const joined = waitForEvent<CustomEvent<string>>(to, 'peer:joined', { filter: e => e.detail === fromId, timeout: timeoutMs, message: 'peer joins' })
  await from.dial(addr)
  await joined
}

/** One test user: a connected chat, its inbox, and its apiPath. */
export interface User {
  name: string
  dir: string
  chat: Chat
  inbox: Inbox
  node: PlatformNode
  id: string
}

/** Sets up `name` on a fresh apiPath (with `options` over the quick timings), records its listener in an Inbox (and the checker, if given), connects to 'local'. */
export async function startUser (
  scratch: Scratch, name: string, checker?: { delivered: (d: { node: string, author: string, id: string, seq: number }) => void }, options: ChatOptions = {}
): Promise<User> {
  const dir = await scratch.dir()
  const chat = scratch.chat(dir, options)
  await chat.setupUser(name)
  const inbox = new Inbox()
  chat.setListener((m) => {
    inbox.listener(m)
    checker?.delivered({ node: name, author: m.senderId, id: m.id, seq: m.seq })
  })
  await chat.connectToNetwork('local')
  const node = chat.node as PlatformNode
  return { name, dir, chat, inbox, node, id: node.peerId }
}

/** Every file under `dir` (a node's LevelDB store), concatenated: what a stolen disk would show. */
export async function storeBytes (dir: string): Promise<Buffer> {
  const { readdir, readFile } = await import('node:fs/promises')
  const parts: Buffer[] = []
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name)))
  }
  return Buffer.concat(parts)
}
