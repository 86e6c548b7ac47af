import { TypedEventEmitter } from '@libp2p/interface'

/**
 * An `EventTarget` whose `addEventListener` / `removeEventListener` know the
 * event type of each name in `EventMap` (for example
 * `{ fork: CustomEvent<ForkDetail> }`). It is libp2p's `TypedEventEmitter`
 * (so `listenerCount` and `safeDispatchEvent` are there too) with one
 * shorthand for the common case, {@link TypedEventTarget.emit}. At run time
 * it is a plain EventTarget.
 */
export class TypedEventTarget<EventMap extends Record<string, any>> extends TypedEventEmitter<EventMap> { // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Dispatches a `CustomEvent` of `type` carrying `detail`. */
  protected emit<K extends keyof EventMap & string> (type: K, detail: EventMap[K] extends CustomEvent<infer D> ? D : never): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
