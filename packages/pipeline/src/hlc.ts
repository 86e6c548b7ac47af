/**
 * A hybrid logical clock (Kulkarni et al.): wall-clock milliseconds plus a
 * logical counter. Every `tick()` is greater than every earlier tick and
 * every time `observe()`d, even when the wall clock stands still or steps
 * back, so an author's entries carry strictly increasing times.
 */
export interface HlcTime {
  /** Wall-clock milliseconds since the epoch (the largest seen). */
  time: number
  /** Logical counter that orders ticks within one millisecond. */
  counter: number
}

/** Largest counter before the clock moves to the next millisecond. */
const MAX_COUNTER = 0xffff_ffff

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareHlc (a: HlcTime, b: HlcTime): number {
  return a.time !== b.time ? a.time - b.time : a.counter - b.counter
}

/**
 * How far an observed time may move the clock past our wall clock, in ms.
 * Entries may be up to the allowed skew ahead of us; a clamp keeps one
 * author with a fast clock from dragging every node's clock (and so every
 * later entry on the network) ahead with it.
 */
export const OBSERVE_MARGIN_MS = 1000

/** The clock of one node. */
export class HybridClock {
  #time = 0
  #counter = 0
  readonly #now: () => number
  readonly #margin: number

  constructor (now: () => number = Date.now, marginMs = OBSERVE_MARGIN_MS) {
    this.#now = now
    this.#margin = marginMs
  }

  /** The current reading without advancing it. */
  peek (): HlcTime {
    return { time: this.#time, counter: this.#counter }
  }

  /** A new time, after every earlier tick and observed time. */
  tick (): HlcTime {
    const wall = this.#now()
    if (wall > this.#time) {
      this.#time = wall
      this.#counter = 0
    } else if (this.#counter >= MAX_COUNTER) {
      this.#time += 1
      this.#counter = 0
    } else {
      this.#counter += 1
    }
    return { time: this.#time, counter: this.#counter }
  }

  /** Moves the clock past our own last stored time, unclamped: our entries' times never go back. */
  restore (t: HlcTime): void {
    if (compareHlc(t, { time: this.#time, counter: this.#counter }) > 0) {
      this.#time = t.time
      this.#counter = t.counter
    }
  }

  /**
   * Moves the clock past a time seen elsewhere (an entry we stored), but
   * never further than the wall clock plus the margin: a time beyond it is
   * taken as that bound.
   */
  observe (t: HlcTime): void {
    const bound = this.#now() + this.#margin
    if (t.time > bound) t = { time: bound, counter: 0 }
    if (compareHlc(t, { time: this.#time, counter: this.#counter }) > 0) {
      this.#time = t.time
      this.#counter = t.counter
    }
  }
}
