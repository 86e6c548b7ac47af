import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Something a test opened and must close: a node, an API, a chat, a store. */
export type Closeable = { close: () => Promise<void> | void } | { stop: () => Promise<void> | void }

/**
 * What one test made, undone by `cleanup()` (call it in `afterEach`):
 * everything tracked is closed or stopped (at once, in parallel), then the
 * temporary directories are removed. A close that fails does not stop the others.
 */
export class Scratch {
  readonly #prefix: string
  readonly #dirs: string[] = []
  readonly #undo: Array<() => Promise<void> | void> = []

  /** `prefix` names the temporary directories, e.g. `'pipes-chat-'`. */
  constructor (prefix = 'pipes-test-') {
    this.#prefix = prefix
  }

  /** A fresh empty directory under the OS temp directory. */
  async dir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), this.#prefix))
    this.#dirs.push(dir)
    return dir
  }

  /** Closes (or stops) `thing` at cleanup; returns it. */
  track<T extends Closeable> (thing: T): T {
    this.#undo.push(async () => { await ('close' in thing ? thing.close() : thing.stop()) })
    return thing
  }

  /** Runs `fn` at cleanup, before the directories go. */
  defer (fn: () => Promise<void> | void): void {
    this.#undo.push(fn)
  }

  /** Closes what was tracked (all of it, even when some fail), then removes the directories. */
  async cleanup (): Promise<void> {
    const undo = this.#undo.splice(0)
    await Promise.allSettled(undo.map(async fn => { await fn() }))
    await Promise.all(this.#dirs.splice(0).map(async dir => { await rm(dir, { recursive: true, force: true }) }))
  }
}
