import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PlatformAPI } from '../src/index.js'
import type { PlatformAPIOptions } from '../src/index.js'

/** Temp dirs and APIs made by a test, removed and closed by `cleanup()` (call it in afterEach). */
export class Scratch {
  readonly #dirs: string[] = []
  readonly #apis: PlatformAPI[] = []

  async dir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'pipes-platform-'))
    this.#dirs.push(dir)
    return dir
  }

  /** A PlatformAPI that `cleanup()` closes; short gossipsub heartbeat and sync interval for tests. */
  api (apiPath: string, options: PlatformAPIOptions = {}): PlatformAPI {
    const api = new PlatformAPI(apiPath, { transport: { heartbeatMs: 100 }, syncIntervalMs: 1000, ...options })
    this.#apis.push(api)
    return api
  }

  async cleanup (): Promise<void> {
    await Promise.allSettled(this.#apis.splice(0).map(async api => { await api.close() }))
    await Promise.all(this.#dirs.splice(0).map(async dir => { await rm(dir, { recursive: true, force: true }) }))
  }
}

/** Resolves with the next `type` event's detail matching `accept`; rejects after `timeoutMs`. */
export async function nextEvent<T> (
  target: EventTarget, type: string, accept: (detail: T) => boolean = () => true, timeoutMs = 15_000
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onEvent = (e: Event): void => {
      const detail = (e as CustomEvent<T>).detail
      if (!accept(detail)) return
      clearTimeout(timer)
      target.removeEventListener(type, onEvent)
      resolve(detail)
    }
    const timer = setTimeout(() => {
      target.removeEventListener(type, onEvent)
      reject(new Error(`no "${type}" event within ${timeoutMs} ms`))
    }, timeoutMs)
    target.addEventListener(type, onEvent)
  })
}

/** Collects what a pipeline listener receives and waits, event-driven, for a count. */
export class Received<T> {
  readonly items: T[] = []
  readonly #wakers = new Set<() => void>()

  push = (item: T): void => {
    this.items.push(item)
    for (const wake of this.#wakers) wake()
  }

  async waitFor (check: (items: T[]) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (check(this.items)) return
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        if (!check(this.items)) return
        clearTimeout(timer)
        this.#wakers.delete(wake)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#wakers.delete(wake)
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.items.length})`))
      }, timeoutMs)
      this.#wakers.add(wake)
    })
  }
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
export const untext = (b: Uint8Array): string => new TextDecoder().decode(b)
