/** The input line: text, cursor, and the lines entered before (Up and Down bring them back). */
export class LineEditor {
  #chars: string[] = []
  #cursor = 0
  readonly #history: string[] = []
  #back = 0

  get text (): string { return this.#chars.join('') }
  get cursor (): number { return this.#cursor }

  insert (text: string): void {
    const add = [...text.replace(/[\r\n]+/g, ' ')].filter(c => c >= ' ' && c !== '\u007f')
    this.#chars.splice(this.#cursor, 0, ...add)
    this.#cursor += add.length
  }

  backspace (): void {
    if (this.#cursor === 0) return
    this.#chars.splice(this.#cursor - 1, 1)
    this.#cursor--
  }

  delete (): void { this.#chars.splice(this.#cursor, 1) }
  left (): void { this.#cursor = Math.max(0, this.#cursor - 1) }
  right (): void { this.#cursor = Math.min(this.#chars.length, this.#cursor + 1) }
  home (): void { this.#cursor = 0 }
  end (): void { this.#cursor = this.#chars.length }
  clear (): void { this.#chars = []; this.#cursor = 0 }

  /** Up: the line entered before the one shown. */
  older (): void { this.#recall(this.#back + 1) }
  /** Down: the line entered after the one shown (an empty line past the last). */
  newer (): void { this.#recall(this.#back - 1) }

  #recall (back: number): void {
    if (back < 0 || back > this.#history.length) return
    this.#back = back
    this.#chars = back === 0 ? [] : [...(this.#history[this.#history.length - back] as string)]
    this.#cursor = this.#chars.length
  }

  /** Enter: returns the line and clears the input. */
  take (): string {
    const line = this.text
    if (line.trim() !== '' && this.#history[this.#history.length - 1] !== line) this.#history.push(line)
    this.#back = 0
    this.clear()
    return line
  }
}
