/**
 * An EventTarget whose `addEventListener` / `removeEventListener` know the
 * event type of each name in `Events`; at run time it is a plain EventTarget.
 */
export class TypedEventTarget<Events extends object> extends EventTarget {
  override addEventListener<K extends keyof Events & string>(type: K, listener: ((evt: Events[K]) => void) | null, options?: boolean | AddEventListenerOptions): void
  override addEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void
  override addEventListener (type: string, listener: unknown, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options)
  }

  override removeEventListener<K extends keyof Events & string>(type: K, listener: ((evt: Events[K]) => void) | null, options?: boolean | EventListenerOptions): void
  override removeEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void
  override removeEventListener (type: string, listener: unknown, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject | null, options)
  }
}
