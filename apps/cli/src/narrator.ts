/**
 * Prints the demo's steps: elapsed time since the start, who did what.
 * Colour only when stdout is a terminal (and NO_COLOR is not set).
 */

type Paint = (text: string) => string

const ESC = '\u001b['
const plain: Paint = (text) => text

function painter (code: number, on: boolean): Paint {
  return on ? (text) => `${ESC}${code}m${text}${ESC}0m` : plain
}

/** Writes timestamped lines for a scripted run. */
export class Narrator {
  readonly #start = performance.now()
  readonly #write: (line: string) => void
  readonly #colour: boolean
  readonly #users = new Map<string, Paint>()
  readonly dim: Paint
  readonly bold: Paint
  readonly green: Paint
  readonly red: Paint

  constructor (options: { write?: (line: string) => void, colour?: boolean } = {}) {
    this.#write = options.write ?? ((line) => { process.stdout.write(line + '\n') })
    this.#colour = options.colour ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined)
    this.dim = painter(2, this.#colour)
    this.bold = painter(1, this.#colour)
    this.green = painter(32, this.#colour)
    this.red = painter(31, this.#colour)
  }

  /** Milliseconds since the narrator was made. */
  elapsed (): number {
    return Math.round(performance.now() - this.#start)
  }

  /** Gives `name` a colour of its own (cyan, magenta, yellow, ...). */
  user (name: string): string {
    let paint = this.#users.get(name)
    if (paint === undefined) {
      const codes = [36, 35, 33, 34]
      paint = painter(codes[this.#users.size % codes.length] ?? 36, this.#colour)
      this.#users.set(name, paint)
    }
    return paint(name.padEnd(5))
  }

  /** A plain line with no timestamp. */
  text (line = ''): void {
    this.#write(line)
  }

  /** A section heading. */
  step (title: string): void {
    this.#write('')
    this.#write(this.bold(`== ${title}`))
  }

  /** A timestamped line. */
  log (line: string): void {
    const stamp = `${String(this.elapsed()).padStart(6)} ms`
    this.#write(`${this.dim(`[${stamp}]`)} ${line}`)
  }
}
