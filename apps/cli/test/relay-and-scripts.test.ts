import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Scratch, waitFor } from '@pipes/test-support'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, runPipes, startRelayProcess } from './support/pipes-process.js'
import type { RelayProcess } from './support/pipes-process.js'
import { PIPES_BIN } from './support/terminal.js'

const scratch = new Scratch('pipes-cli-relay-')
afterEach(async () => { await scratch.cleanup() })

/** `pipes tail` running in the background, its stdout lines collected. */
function tail (args: string[]): { lines: () => string[], stop: () => Promise<number | null> } {
  const child = spawn(process.execPath, [PIPES_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<number | null>(resolve => { child.once('exit', c => { resolve(c) }) })
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null) return child.exitCode
    child.kill('SIGTERM')
    const timer = setTimeout(() => { child.kill('SIGKILL') }, 10_000)
    try { return await exited } finally { clearTimeout(timer) }
  }
  scratch.defer(async () => { await stop() })
  return { lines: () => out.split('\n').filter(l => l !== ''), stop }
}

async function metrics (url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text()
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return out
}

describe('pipes relay, send and tail', () => {
  it('a relay from a config file serves health and metrics, archives what users send (send and tail --json), and keeps its identity and archive across a restart', async () => {
    const relayDir = await scratch.dir()
    const port = await freePort()
    const config = join(relayDir, 'relay.json')
    await writeFile(config, JSON.stringify({ network: 'scripts', listen: [`/ip4/127.0.0.1/tcp/${port}`], metrics: '127.0.0.1:0', maxPipelines: 50 }))
    let relay: RelayProcess = await startRelayProcess(['--dir', relayDir, 'relay', '--config', config])
    scratch.defer(async () => { await relay.stop() })
    const relayId = /^relay (\S+) on network scripts$/m.exec(relay.output())?.[1]
    expect(relayId).toMatch(/^12D3KooW/)
    expect(relay.output()).toContain(`listening /ip4/127.0.0.1/tcp/${port}/p2p/${relayId ?? ''}`)
    const health = await fetch(relay.metrics.replace('/metrics', '/health'))
    expect(health.status).toBe(200)
    expect(await health.text()).toBe('ok\n')

    const dirs: Record<string, string> = {}
    for (const name of ['alice', 'bob', 'carol']) {
      dirs[name] = join(await scratch.dir(), name)
      expect((await runPipes(['--dir', dirs[name] as string, 'init', name])).code).toBe(0)
    }
    const alice = dirs.alice as string
    const bob = dirs.bob as string
    const carol = dirs.carol as string
    expect((await runPipes(['--dir', alice, 'join', relay.invite])).code).toBe(0)
    expect((await runPipes(['--dir', bob, 'join', relay.invite])).code).toBe(0)

    const one = await runPipes(['--dir', alice, 'send', 'general', 'first line', '--json'])
    expect(one.code, one.stderr).toBe(0)
    expect(JSON.parse(one.stdout)).toMatchObject({ channel: 'general', sender: 'alice', text: 'first line' })

    const bobTail = tail(['--dir', bob, 'tail', 'general', '--json'])
    await waitFor(() => bobTail.lines().some(l => l.includes('first line')), { timeout: 20_000 })
    expect((await runPipes(['--dir', alice, 'send', 'general', 'second line'])).code).toBe(0)
    await waitFor(() => bobTail.lines().some(l => l.includes('second line')), { timeout: 20_000 })
    expect(await bobTail.stop()).toBe(0)
    const printed = bobTail.lines().map(l => JSON.parse(l) as { text: string, sender: string })
    expect(printed.map(m => m.text)).toEqual(['first line', 'second line'])
    expect(existsSync(join(bob, 'LOCK'))).toBe(false)

    const m = await metrics(relay.metrics)
    expect(m.get('pipes_relay_pipelines')).toBeGreaterThanOrEqual(2) // the channel and the introductions
    expect(m.get('pipes_relay_entries_stored_total')).toBeGreaterThanOrEqual(2)
    expect(m.has('pipes_relay_peers')).toBe(true)
    expect(m.has('pipes_relay_relayed_connections')).toBe(true)
    expect([...m.keys()].filter(k => k.startsWith('pipes_relay_rejects_total{reason=')).length).toBeGreaterThan(0)

    // a clean stop on SIGINT; back with the same identity and what it archived
    relay.child.kill('SIGINT')
    await waitFor(() => relay.child.exitCode !== null, { timeout: 15_000 })
    expect(relay.child.exitCode).toBe(0)
    expect(relay.output()).toMatch(/stopping \(SIGINT\)\nstopped/)
    expect(existsSync(join(relayDir, 'LOCK'))).toBe(false)
    relay = await startRelayProcess(['--dir', relayDir, 'relay', '--config', config])
    expect(relay.output()).toContain(`relay ${relayId ?? ''} on network scripts`)

    // carol joins with alice's invite while alice and bob are offline: the relay alone gives her both lines
    const invite = await runPipes(['--dir', alice, 'invite'])
    expect(invite.code).toBe(0)
    expect((await runPipes(['--dir', carol, 'join', invite.stdout.trim()])).code).toBe(0)
    const carolTail = tail(['--dir', carol, 'tail', 'general'])
    await waitFor(() => carolTail.lines().filter(l => / alice: (first|second) line$/.test(l)).length === 2, { timeout: 30_000 })
    expect(await carolTail.stop()).toBe(0)

    const list = await runPipes(['--dir', carol, 'network', 'list'])
    expect(list.stdout).toMatch(/^\* scripts {2}1 relay address/m)
    expect((await runPipes(['--dir', carol, 'network', 'remove', 'scripts'])).code).toBe(0)
    expect((await runPipes(['--dir', carol, 'network', 'list'])).stdout).not.toContain('scripts')
  }, 180_000)
})
