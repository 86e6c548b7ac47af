import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const here = fileURLToPath(new URL('.', import.meta.url))

// A program that stops every transport it started must exit by itself: a
// stopped transport holds no ref'd timer, socket or handle.
const CHILD = `
import { generateIdentity } from '@pipes/identity'
import { createTransport } from '../dist/index.js'
const id = 'exit-' + process.pid
const fast = { heartbeatMs: 100, redial: { baseDelayMs: 100, maxDelayMs: 800 } }
const a = await createTransport({ identity: generateIdentity('a'), network: { id, listen: ['/ip4/127.0.0.1/tcp/0'] }, options: fast })
const b = await createTransport({ identity: generateIdentity('b'), network: { id, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: a.addresses() }, options: fast })
// a peer of another network, refused for a while, and a bootstrap peer that is gone
const other = await createTransport({ identity: generateIdentity('o'), network: { id: id + '-other', listen: ['/ip4/127.0.0.1/tcp/0'] } })
const deadline = Date.now() + 10000
while (!(a.peers().includes(b.peerId) && b.peers().includes(a.peerId))) {
  if (Date.now() > deadline) { console.error('no connection'); process.exit(2) }
  await new Promise(resolve => setTimeout(resolve, 25))
}
await b.dial(other.addresses()[0]).catch(() => {})
while (b.stats().foreignPeers === 0) {
  if (Date.now() > deadline) { console.error('foreign peer not seen'); process.exit(2) }
  await new Promise(resolve => setTimeout(resolve, 25))
}
const topic = '/pipes/' + id + '/t'
a.subscribe(topic, () => {}, () => 'accept')
b.subscribe(topic, () => {}, () => 'accept')
await a.publish(topic, new Uint8Array([1]))
await other.stop()
await a.stop()
// b redials a (its bootstrap peer) before it is stopped too: wait (bounded) until it has tried
for (let i = 0; i < 200 && b.stats().redials === 0; i++) await new Promise(resolve => setTimeout(resolve, 10))
await b.stop()
console.log('stopped')
`

it('a program that stops all its transports exits by itself', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { cwd: here, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const code = await new Promise<number | string>((resolve) => {
    let stoppedAt = 0
    const timer = setInterval(() => {
      if (stoppedAt === 0 && out.includes('stopped')) stoppedAt = Date.now()
      // 5 s after the last stop() is far longer than any clean shutdown needs
      if (stoppedAt > 0 && Date.now() - stoppedAt > 5000) { child.kill('SIGKILL'); resolve('still running') }
    }, 50)
    const overall = setTimeout(() => { child.kill('SIGKILL'); resolve('timed out before stopping') }, 25_000)
    child.on('exit', (c) => { clearInterval(timer); clearTimeout(overall); resolve(c ?? 'killed') })
  })
  expect({ code, out: out.slice(-2000) }).toEqual({ code: 0, out: expect.stringContaining('stopped') as unknown })
}, 30_000)
