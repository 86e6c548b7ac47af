import type { Packet, PacketListener, Pipeline } from './types.js'

/** The listeners of one pipeline, called in the order they were added. */
export class ListenerSet {
  readonly #fns = new Set<PacketListener>()
  readonly #onError: (err: unknown) => void

  constructor (onError: (err: unknown) => void) {
    this.#onError = onError
  }

  get size (): number { return this.#fns.size }
  has (fn: PacketListener): boolean { return this.#fns.has(fn) }
  add (fn: PacketListener): void { this.#fns.add(fn) }
  delete (fn: PacketListener): void { this.#fns.delete(fn) }

  /** Calls every listener with the packet; a listener's error is counted, never thrown. */
  async deliver (packet: Packet, pipeline: Pipeline): Promise<void> {
    for (const fn of [...this.#fns]) {
      await callListener(fn, packet, pipeline, this.#onError)
    }
  }
}

/** Calls one listener, awaiting it only when it returns a promise. */
export async function callListener (fn: PacketListener, packet: Packet, pipeline: Pipeline, onError: (err: unknown) => void): Promise<void> {
  try {
    const result = fn(packet, pipeline)
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') await result
  } catch (err) {
    onError(err)
  }
}
