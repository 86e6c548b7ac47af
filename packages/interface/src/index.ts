/**
 * @packageDocumentation
 * The shared base of every Pipes package, like js-libp2p's
 * `@libp2p/interface`: {@link PipesError} (the base class of every public
 * error, with a stable `code`), {@link TypedEventTarget} (the typed event
 * base of nodes, pipelines and chats), and the two small structures several
 * packages need: {@link Lru} (a bounded cache), {@link Mutex} (a serial
 * queue of async sections) and {@link backoffDelay} (jittered exponential
 * backoff).
 * Browser-safe, and with no Pipes dependency: every other package imports it.
 */
export { PipesError } from './errors.js'
export { TypedEventTarget } from './typed-event-target.js'
export { Lru } from './lru.js'
export { Mutex } from './mutex.js'
export { backoffDelay } from './backoff.js'
