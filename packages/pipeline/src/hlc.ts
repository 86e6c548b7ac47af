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

/** The clock of one node. */
export class HybridClock {
  #time = 0
  #counter = 0
  readonly #now: () => number

  constructor (now: () => number = Date.now) {
    this.#now = now
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

  /** Moves the clock past a time seen elsewhere (a received or stored entry). */
  observe (t: HlcTime): void {
    if (compareHlc(t, { time: this.#time, counter: this.#counter }) > 0) {
      this.#time = t.time
      this.#counter = t.counter
    }
  }
}
