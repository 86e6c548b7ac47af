/**
 * The full-screen layout, drawn with plain ANSI sequences: a status bar on
 * the first row, the message pane, one line for notices and errors, and the
 * input line at the bottom. Every change redraws the whole screen (a chat
 * screen is small), at most once per tick.
 */
import { ansi, fit, paint, wrapSpans } from './ansi.js'
import type { Span } from './ansi.js'
import type { LineEditor } from './line-editor.js'

/** What the screen shows. */
export interface View {
  status: string
  /** Messages, oldest first, each as spans (wrapped here to the width). */
  messages: Span[][]
  /** Lines scrolled up from the bottom of the pane (PageUp / PageDown). */
  scroll: number
  notice: { text: string, error: boolean } | undefined
  prompt: string
  editor: LineEditor
}

export class Screen {
  readonly #out: NodeJS.WriteStream
  readonly #colour: boolean
  #active = false
  #pending = false
  #view: (() => View) | undefined

  constructor (out: NodeJS.WriteStream, colour: boolean) {
    this.#out = out
    this.#colour = colour
  }

  get rows (): number { return Math.max(this.#out.rows ?? 24, 5) }
  get columns (): number { return Math.max(this.#out.columns ?? 80, 20) }

  /** Switches to the alternate screen and draws `view` from now on. */
  start (view: () => View): void {
    this.#view = view
    this.#active = true
    this.#out.write(ansi.altScreenOn + ansi.clear)
    this.#out.on('resize', this.#onResize)
    this.draw()
  }

  /** Back to the normal screen, as it was before. */
  stop (): void {
    if (!this.#active) return
    this.#active = false
    this.#out.off('resize', this.#onResize)
    this.#out.write(ansi.reset + ansi.altScreenOff)
  }

  readonly #onResize = (): void => { this.draw() }

  /** Redraws at the end of this tick (many changes, one draw). */
  draw (): void {
    if (this.#pending || !this.#active) return
    this.#pending = true
    setImmediate(() => {
      this.#pending = false
      if (this.#active && this.#view !== undefined) this.#paint(this.#view())
    })
  }

  /** How many message lines fit. */
  get paneRows (): number { return this.rows - 3 }

  #paint (view: View): void {
    const width = this.columns
    const pane = this.paneRows
    const lines = view.messages.flatMap(m => wrapSpans(m, width))
    const end = Math.max(0, lines.length - view.scroll)
    const shown = lines.slice(Math.max(0, end - pane), end)
    let frame = ansi.moveTo(1, 1) + ansi.clearLine + (this.#colour ? ansi.inverse : '') + fit(view.status, width).padEnd(width) + ansi.reset
    for (let row = 0; row < pane; row++) {
      const line = shown[row]
      frame += ansi.moveTo(row + 2, 1) + ansi.clearLine + (line === undefined ? '' : paint(line, this.#colour))
    }
    const notice = view.notice
    frame += ansi.moveTo(this.rows - 1, 1) + ansi.clearLine
    if (notice !== undefined) frame += paint([{ text: fit(notice.text, width), ...(notice.error ? { style: ansi.red } : { style: ansi.dim }) }], this.#colour)
    // the input scrolls sideways so the cursor stays in view
    const room = Math.max(1, width - view.prompt.length - 1)
    const chars = [...view.editor.text]
    const start = Math.max(0, view.editor.cursor - room)
    frame += ansi.moveTo(this.rows, 1) + ansi.clearLine + (this.#colour ? ansi.bold : '') + view.prompt + ansi.reset + chars.slice(start, start + room).join('')
    frame += ansi.moveTo(this.rows, view.prompt.length + 1 + view.editor.cursor - start)
    this.#out.write(frame)
  }
}
