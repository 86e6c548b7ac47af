import { Collector, Scratch as BaseScratch, waitForEvent } from '@pipes/test-support'
import { PlatformAPI } from '../src/index.js'
import type { PlatformAPIOptions } from '../src/index.js'

/** Temp dirs and APIs made by a test, removed and closed by `cleanup()` (call it in afterEach). */
export class Scratch extends BaseScratch {
  constructor () { super('pipes-platform-') }

  /** A PlatformAPI that `cleanup()` closes; short gossipsub heartbeat and sync interval for tests. */
  api (apiPath: string, options: PlatformAPIOptions = {}): PlatformAPI {
    return this.track(new PlatformAPI(apiPath, { transport: { heartbeatMs: 100 }, syncIntervalMs: 1000, ...options }))
  }
}

/** Resolves with the next `type` event's detail matching `accept`; rejects after `timeoutMs`. */
export async function nextEvent<T> (
  target: EventTarget, type: string, accept: (detail: T) => boolean = () => true, timeoutMs = 15_000
): Promise<T> {
  const event = await waitForEvent<CustomEvent<T>>(target, type, { filter: e => accept(e.detail), timeout: timeoutMs })
  return event.detail
}

/** Collects what a pipeline listener receives and waits, event-driven, for a count. */
export { Collector as Received }

export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
export const untext = (b: Uint8Array): string => new TextDecoder().decode(b)
