/**
 * Node 20 polyfills, loaded before libp2p (the Node entry imports this module
 * first, and the build keeps it a separate file imported at the top):
 *
 * - `Promise.withResolvers` (Node 22+), used by libp2p 3 and its queues;
 * - a global `WebSocket` from `ws` (Node 22+ has one), so WebSockets
 *   multiaddrs can be dialed from Node.
 */
import { WebSocket as NodeWebSocket } from 'ws'

interface WithResolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const PromiseCtor = Promise as unknown as { withResolvers?: <T>() => WithResolvers<T> }
if (typeof PromiseCtor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T> (): WithResolvers<T> {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}

const scope = globalThis as unknown as { WebSocket?: unknown }
if (typeof scope.WebSocket !== 'function') {
  scope.WebSocket = NodeWebSocket
}

/** True once the polyfills are in place (for tests). */
export const polyfillsLoaded = true
