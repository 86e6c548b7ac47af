/**
 * `pipes` as a script would run it: a child process with its own data
 * directory, its output collected, its exit awaited with a bound.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { PIPES_BIN } from './terminal.js'

export interface Ran { code: number | null, stdout: string, stderr: string }

/** Runs `pipes args` to its end (killed after `timeoutMs`). */
export async function runPipes (args: string[], options: { env?: Record<string, string>, timeoutMs?: number, input?: string, prefix?: string[] } = {}): Promise<Ran> {
  const [file, ...argv] = [...(options.prefix ?? []), process.execPath, PIPES_BIN, ...args] as [string, ...string[]]
  const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  child.stdin.end(options.input ?? '')
  const timeoutMs = options.timeoutMs ?? 30_000
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`pipes ${args.join(' ')} still running after ${timeoutMs} ms:\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.once('exit', c => { clearTimeout(timer); resolve(c) })
  })
  return { code, stdout, stderr }
}

/** A free TCP port on 127.0.0.1 (so a restarted relay keeps its address). */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => { resolve(port) })
    })
  })
}

/** A running `pipes relay` and what it printed on start. */
export interface RelayProcess {
  child: ChildProcess
  invite: string
  metrics: string
  output: () => string
  /** SIGTERM, then the exit code (SIGKILL after the bound). */
  stop: (timeoutMs?: number) => Promise<number | null>
}

/** Starts `pipes relay` and waits for its "ready" line. */
export async function startRelayProcess (args: string[], options: { timeoutMs?: number, prefix?: string[] } = {}): Promise<RelayProcess> {
  const [file, ...argv] = [...(options.prefix ?? []), process.execPath, PIPES_BIN, ...args] as [string, ...string[]]
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' } })
  let out = ''
  child.stdout?.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr?.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<number | null>(resolve => { child.once('exit', c => { resolve(c) }) })
  const timeoutMs = options.timeoutMs ?? 20_000
  const ready = await Promise.race([
    new Promise<boolean>(resolve => {
      const check = (): void => { if (/^ready$/m.test(out)) { clearInterval(poll); resolve(true) } }
      const poll = setInterval(check, 50)
      void exited.then(() => { clearInterval(poll); resolve(false) })
    }),
    new Promise<boolean>(resolve => setTimeout(() => { resolve(false) }, timeoutMs))
  ])
  const stop = async (ms = 15_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
    child.kill('SIGTERM')
    const timer = setTimeout(() => { child.kill('SIGKILL') }, ms)
    try { return await exited } finally { clearTimeout(timer) }
  }
  if (!ready) {
    await stop(2000)
    throw new Error(`pipes relay did not get ready within ${timeoutMs} ms:\n${out}`)
  }
  const invite = /^invite (\S+)$/m.exec(out)?.[1] ?? ''
  const metrics = /^metrics (\S+)$/m.exec(out)?.[1] ?? ''
  return { child, invite, metrics, output: () => out, stop }
}
