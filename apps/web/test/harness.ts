/**
 * What every browser test needs, bounded and torn down by a Scratch: a
 * static file server on 127.0.0.1, Debian's chromium through
 * playwright-core (never a downloaded browser) with a fresh profile
 * directory, and a `pipes relay` child process with a WebSockets address.
 */
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { withTimeout } from '@pipes/test-support'
import type { Scratch } from '@pipes/test-support'
import type { BrowserContext } from 'playwright-core'
import type { ChildProcess } from 'node:child_process'

export const CHROMIUM = '/usr/bin/chromium'
export const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url))
const PIPES_BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url))

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' }

/** Serves `root` on 127.0.0.1 (a free port); `/` is index.html. */
export async function serveStatic (scratch: Scratch, root: string): Promise<string> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path)
    stat(file).then(s => {
      if (!s.isFile()) throw new Error('not a file')
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
      createReadStream(file).pipe(res)
    }).catch(() => { res.writeHead(404).end('not found') })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  scratch.defer(async () => { server.closeAllConnections(); await new Promise(resolve => server.close(resolve)) })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return `http://127.0.0.1:${address.port}`
}

/** Launches headless chromium with a fresh profile directory; closed by the scratch. */
export async function launchBrowser (scratch: Scratch): Promise<BrowserContext> {
  const profile = await scratch.dir()
  const context = await withTimeout(chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1000, height: 700 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 20_000
  }), 25_000, 'chromium did not start')
  context.setDefaultTimeout(15_000)
  scratch.defer(async () => { await withTimeout(context.close(), 10_000, 'chromium did not close').catch(() => {}) })
  return context
}

/** A free TCP port on 127.0.0.1 (so a restarted relay comes back on the same address). */
export async function freePort (): Promise<number> {
  const server = createNetServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** A `pipes relay` process. */
export interface RelayProcess {
  /** Its WebSockets multiaddr with /p2p/<id>. */
  ws: string
  /** Its TCP multiaddr with /p2p/<id>. */
  tcp: string
  stop: () => Promise<void>
}

/** Starts `pipes relay` in `dir` on the given ports of 127.0.0.1 (same dir and ports: the same relay again). */
export async function startRelay (scratch: Scratch, dir: string, ports: { tcp: number, ws: number }): Promise<RelayProcess> {
  const child = spawn(process.execPath, [PIPES_BIN, 'relay', '--dir', dir,
    '--listen', `/ip4/127.0.0.1/tcp/${ports.tcp}`, '--listen', `/ip4/127.0.0.1/tcp/${ports.ws}/ws`, '--metrics', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const stop = async (): Promise<void> => { await stopChild(child) }
  scratch.defer(stop)
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const addresses = await withTimeout(new Promise<{ ws: string, tcp: string }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (!out.includes('\nready')) return
      const listening = [...out.matchAll(/^listening (\S+)$/gm)].map(m => m[1] as string)
      const ws = listening.find(a => a.includes('/ws/'))
      const tcp = listening.find(a => !a.includes('/ws'))
      if (ws === undefined || tcp === undefined) reject(new Error(`relay printed no ws/tcp address:\n${out}`))
      else resolve({ ws, tcp })
    })
    child.once('exit', code => { reject(new Error(`relay exited ${String(code)}:\n${out}\n${err}`)) })
  }), 20_000, 'pipes relay did not print ready')
  return { ...addresses, stop }
}

async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGINT')
  await withTimeout(exited, 10_000, 'relay did not stop').catch(async () => {
    child.kill('SIGKILL')
    await withTimeout(exited, 5_000, 'relay did not die')
  })
}
