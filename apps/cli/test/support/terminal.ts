/**
 * A person at a terminal: runs `pipes` in a real pseudo-terminal (node-pty)
 * and reads the screen through a headless xterm, as it would be shown.
 */
import { fileURLToPath } from 'node:url'
import { waitFor } from '@pipes/test-support'
import xterm from '@xterm/headless'
import { spawn } from 'node-pty'
import type { IPty } from 'node-pty'

export const PIPES_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url))

export interface TerminalOptions {
  env?: Record<string, string>
  /** A command the program runs under, e.g. \`['ip', 'netns', 'exec', 'ns1']\`. */
  prefix?: string[]
  cols?: number
  rows?: number
}

export class PipesTerminal {
  readonly pty: IPty
  readonly term: xterm.Terminal
  /** Everything the program wrote, raw. */
  output = ''
  readonly exited: Promise<{ exitCode: number, signal?: number }>
  #exit: { exitCode: number, signal?: number } | undefined
  #writes: Promise<void> = Promise.resolve()

  constructor (args: string[], options: TerminalOptions = {}) {
    const cols = options.cols ?? 100
    const rows = options.rows ?? 30
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true })
    const prefix = options.prefix ?? []
    const [file, ...argv] = [...prefix, process.execPath, PIPES_BIN, ...args] as [string, ...string[]]
    this.pty = spawn(file, argv, {
      name: 'xterm-256color',
      cols,
      rows,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', ...options.env }
    })
    this.pty.onData(d => {
      this.output += d
      this.#writes = this.#writes.then(async () => { await new Promise<void>(resolve => { this.term.write(d, resolve) }) })
    })
    this.exited = new Promise(resolve => {
      this.pty.onExit(e => { this.#exit = e; resolve(e) })
    })
  }

  get pid (): number { return this.pty.pid }
  get exitCode (): number | undefined { return this.#exit?.exitCode }

  /** The screen as text, one string per row, trailing blanks cut. */
  screen (): string[] {
    const buf = this.term.buffer.active
    const out: string[] = []
    for (let i = 0; i < this.term.rows; i++) out.push(buf.getLine(buf.viewportY + i)?.translateToString(true) ?? '')
    return out
  }

  text (): string { return this.screen().join('\n') }

  /** Waits until the screen matches `pattern`; the error shows the screen. */
  async waitForScreen (pattern: RegExp | string, timeoutMs = 20_000): Promise<void> {
    const match = (): boolean => typeof pattern === 'string' ? this.text().includes(pattern) : pattern.test(this.text())
    await this.#writes
    try {
      await waitFor(async () => { await this.#writes; return match() }, { timeout: timeoutMs })
    } catch {
      throw new Error(`screen never showed ${String(pattern)} within ${timeoutMs} ms; it shows:\n${this.text()}`)
    }
  }

  /** Waits until the raw output (for line-mode commands) matches. */
  async waitForOutput (pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    try {
      await waitFor(() => pattern.test(this.output), { timeout: timeoutMs })
    } catch {
      throw new Error(`output never matched ${String(pattern)} within ${timeoutMs} ms; it was:\n${this.output}`)
    }
  }

  /** Types `text` then Enter. */
  line (text: string): void {
    this.pty.write(text)
    this.pty.write('\r')
  }

  write (data: string): void { this.pty.write(data) }

  /** Waits for the exit (bounded); kills it and fails after `timeoutMs`. */
  async exit (timeoutMs = 15_000): Promise<{ exitCode: number, signal?: number }> {
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([this.exited, new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => { reject(new Error(`pipes ${this.pid} did not exit within ${timeoutMs} ms; screen:\n${this.text()}`)) }, timeoutMs)
      })])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Kills the process if it still runs (for finally blocks). */
  kill (): void {
    if (this.#exit === undefined) {
      try { this.pty.kill('SIGKILL') } catch { /* gone already */ }
    }
    this.term.dispose()
  }
}
