import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bytesToHex, generateIdentity } from '@pipes/identity'
import { DeliveryChecker, waitFor, withTimeout } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, enc, levelStore, networkId, recordInto, removeDir, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { Pipeline } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))

interface ChildResult { acks: Array<{ seq: number, id: string }>, signal: NodeJS.Signals | null, code: number | null }

/** Runs the crash writer until it kills itself; collects the acks it printed. */
async function runWriter (args: string[]): Promise<ChildResult> {
  const child = spawn(process.execPath, [join(here, 'fixtures', 'crash-writer.mjs'), ...args], { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'pipe'] })
  const acks: Array<{ seq: number, id: string }> = []
  let buffered = ''
  let errors = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk
    let nl = buffered.indexOf('\n')
    while (nl >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      const [word, seq, id] = line.split(' ')
      if (word === 'ack' && seq !== undefined && id !== undefined) acks.push({ seq: Number(seq), id })
      nl = buffered.indexOf('\n')
    }
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => { errors += chunk })
  const exit = new Promise<ChildResult>((resolve) => {
    child.on('exit', (code, signal) => { resolve({ acks, signal, code }) })
  })
  try {
    const result = await withTimeout(exit, 30_000, 'the crash writer did not end')
    if (result.signal !== 'SIGKILL') throw new Error(`writer ended with code ${String(result.code)}: ${errors}`)
    return result
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

describe('crash', () => {
  const running: TestNode[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async n => { await n.stop() }))
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  it('a writer killed with SIGKILL right after putPacket resolves keeps every acknowledged packet and delivers it to the others', async () => {
    const net = networkId('crash')
    const { dir, close } = await levelStore()
    await close()
    dirs.push(dir)
    const identity = generateIdentity('crasher')
    const { acks } = await runWriter([join(dir, 'store'), net, bytesToHex(identity.secretKey), identity.name, '2000', '150', '16'])
    expect(acks.length).toBeGreaterThanOrEqual(150)

    const reopened = await levelStore(dir)
    const a = await startNode({ network: net, identity, datastore: reopened.datastore })
    const b = await startNode({ network: net, name: 'b' })
    const c = await startNode({ network: net, name: 'c' })
    running.push(a, b, c)
    const checker = new DeliveryChecker()
    for (const ack of acks) checker.acknowledged({ author: identity.id, id: ack.id, seq: ack.seq, expectedAt: ['a', 'b', 'c'] })
    const pa = a.node.createPipeline({ name: 'log', persistent: true })
    pa.addPacketListener(recordInto(checker, 'a'))
    b.node.createPipeline({ name: 'log', persistent: true }).addPacketListener(recordInto(checker, 'b'))
    c.node.createPipeline({ name: 'log', persistent: true }).addPacketListener(recordInto(checker, 'c'))

    // every acknowledged packet is in the restarted store
    const stored = new Map<string, number>()
    for await (const p of pa.history()) stored.set(p.id, p.seq)
    for (const ack of acks) expect(stored.get(ack.id)).toBe(ack.seq)

    await connect(a, b)
    await connect(b, c)
    const report = await checker.waitForComplete({ timeout: 30_000 })
    expect(report).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 })

    // the restarted writer goes on after its last stored entry: no fork on the others
    const next = await (pa as Pipeline).putPacket(enc('after the crash'))
    expect(next.seq).toBe(stored.size + 1)
    checker.acknowledged({ author: identity.id, id: next.id, seq: next.seq, expectedAt: ['a', 'b', 'c'] })
    await checker.waitForComplete({ timeout: 10_000 })
    await waitFor(() => b.node.stats().stored === stored.size + 1, { timeout: 10_000, message: 'b stored the new packet' })
    expect(b.node.stats().forks + c.node.stats().forks).toBe(0)
    await a.stop()
    await reopened.close()
  }, 60_000)
})
