/**
 * An `EventTarget` whose `addEventListener` knows the event names and detail
 * types of its subclass (like libp2p's `TypedEventEmitter`, without the
 * dependency). Plain `EventTarget` use keeps working.
 */
export class TypedEventTarget<EventMap extends object> extends EventTarget {
  override addEventListener<K extends keyof EventMap & string> (
    type: K, listener: ((event: CustomEvent<EventMap[K]>) => void) | null, options?: boolean | AddEventListenerOptions): void
  override addEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void
  override addEventListener (type: string, listener: EventListenerOrEventListenerObject | ((event: CustomEvent<never>) => void) | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options)
  }

  override removeEventListener<K extends keyof EventMap & string> (
    type: K, listener: ((event: CustomEvent<EventMap[K]>) => void) | null, options?: boolean | EventListenerOptions): void
  override removeEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void
  override removeEventListener (type: string, listener: EventListenerOrEventListenerObject | ((event: CustomEvent<never>) => void) | null, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject | null, options)
  }

  /** Dispatches a `CustomEvent` of `type` carrying `detail`. */
  protected emit<K extends keyof EventMap & string> (type: K, detail: EventMap[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
