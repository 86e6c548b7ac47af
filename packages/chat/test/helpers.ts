import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Chat } from '../src/index.js'
import type { ChatMessage, ChatOptions } from '../src/index.js'
import type { LocalIdentity } from '@pipes/identity'
import type { PlatformNode } from '@pipes/platform'

/** Options that make tests quicker: short gossipsub heartbeat and re-sync interval. */
export const FAST: ChatOptions = { platform: { transport: { heartbeatMs: 100 }, syncIntervalMs: 1000 } }

/** Temp dirs and chats made by a test; `cleanup()` closes and removes them (call it in afterEach). */
export class Scratch {
  readonly #dirs: string[] = []
  readonly #chats: Chat[] = []

  async dir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'pipes-chat-'))
    this.#dirs.push(dir)
    return dir
  }

  chat (apiPath: string, options: ChatOptions = {}): Chat {
    const chat = new Chat(apiPath, { ...FAST, ...options })
    this.#chats.push(chat)
    return chat
  }

  async cleanup (): Promise<void> {
    await Promise.allSettled(this.#chats.splice(0).map(async c => { await c.close() }))
    await Promise.all(this.#dirs.splice(0).map(async d => { await rm(d, { recursive: true, force: true }) }))
  }
}

/** A UI listener that records messages and lets a test wait for them, event-driven. */
export class Inbox {
  readonly messages: ChatMessage[] = []
  readonly #wakers = new Set<() => void>()

  listener = (m: ChatMessage): void => {
    this.messages.push(m)
    for (const wake of this.#wakers) wake()
  }

  texts (): string[] {
    return this.messages.map(m => m.text)
  }

  async waitFor (texts: string[], who: string, timeoutMs = 15_000): Promise<void> {
    const done = (): boolean => texts.every(t => this.texts().includes(t))
    if (done()) return
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        if (!done()) return
        clearTimeout(timer)
        this.#wakers.delete(wake)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#wakers.delete(wake)
        reject(new Error(`${who} lacks ${JSON.stringify(texts.filter(t => !this.texts().includes(t)))} after ${timeoutMs} ms`))
      }, timeoutMs)
      this.#wakers.add(wake)
    })
  }
}

/** Dials `to` from `from` and waits until `to` sees the connection (through the chat's own network calls). */
export async function link (from: Chat, to: Chat, timeoutMs = 15_000): Promise<void> {
  const a = from
  const b = to
  const fromId = (from.identity as LocalIdentity).id
  const addr = b.addresses()[0]
  if (addr === undefined) throw new Error('the node to dial has no address')
  if (b.peers().includes(fromId)) return
  const joined = new Promise<void>((resolve, reject) => {
    const onJoin = (e: CustomEvent<string>): void => {
      if (e.detail !== fromId) return
      clearTimeout(timer)
      b.removeEventListener('peer:joined', onJoin)
      resolve()
    }
    const timer = setTimeout(() => {
      b.removeEventListener('peer:joined', onJoin)
      reject(new Error('peer did not join in time'))
    }, timeoutMs)
    b.addEventListener('peer:joined', onJoin)
  })
  await a.dial(addr)
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

/** Sets up `name` on a fresh apiPath, records its listener in an Inbox (and the checker, if given), connects to 'local'. */
export async function startUser (
  scratch: Scratch, name: string, checker?: { delivered: (d: { node: string, author: string, id: string, seq: number }) => void }
): Promise<User> {
  const dir = await scratch.dir()
  const chat = scratch.chat(dir)
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
