import { join } from 'node:path'
import { Scratch } from '@pipes/test-support'
import { afterEach, describe, expect, it } from 'vitest'
import { NetnsLab, netnsUnavailable } from './support/netns.js'
import { runPipes, startRelayProcess } from './support/pipes-process.js'
import type { RelayProcess } from './support/pipes-process.js'
import { allOnline, openRoom, timedMessage } from './support/chat-steps.js'
import { PipesTerminal } from './support/terminal.js'

// Three hosts: a relay, alice and bob, each in its own network namespace;
// alice and bob reach the relay only. Skipped (saying why) where namespaces
// cannot be made.
const unavailable = await netnsUnavailable()
if (unavailable !== undefined) console.warn(`netns test skipped: ${unavailable}`)

const scratch = new Scratch('pipes-cli-netns-')
afterEach(async () => { await scratch.cleanup() })

describe.skipIf(unavailable !== undefined)('pipes on separate network hosts (network namespaces)', () => {
  it('alice and bob, who reach only the relay, chat through it (channel, private, room); the relay restarts mid-way and nothing is lost', async () => {
    const lab = new NetnsLab()
    const terminals: PipesTerminal[] = []
    let relay: RelayProcess | undefined
    try {
      await lab.start()
      const aliceNs = await lab.user('alice')
      const bobNs = await lab.user('bob')
      expect(await lab.routes(aliceNs, lab.relayAddress)).toBe(true)
      expect(await lab.routes(aliceNs, lab.userAddress(2))).toBe(false)
      expect(await lab.routes(bobNs, lab.userAddress(1))).toBe(false)

      const relayDir = await scratch.dir()
      const relayArgs = ['--dir', relayDir, 'relay', '--network', 'lab', '--listen', `/ip4/${lab.relayAddress}/tcp/4001`, '--listen', `/ip4/${lab.relayAddress}/tcp/4002/ws`, '--metrics', '127.0.0.1:9464']
      relay = await startRelayProcess(relayArgs, { prefix: lab.exec(lab.relay) })
      expect(relay.invite).toMatch(/^pipes1\./)
      const setup = async (name: string, ns: string): Promise<string> => {
        const dir = join(await scratch.dir(), name)
        expect((await runPipes(['--dir', dir, 'init', name])).code).toBe(0)
        expect((await runPipes(['--dir', dir, 'join', relay?.invite ?? ''], { prefix: lab.exec(ns) })).code).toBe(0)
        return dir
      }
      const aliceDir = await setup('alice', aliceNs)
      const bobDir = await setup('bob', bobNs)
      const open = (dir: string, ns: string): PipesTerminal => {
        const t = new PipesTerminal(['--dir', dir, 'chat'], { prefix: lab.exec(ns) })
        terminals.push(t)
        return t
      }
      const alice = open(aliceDir, aliceNs)
      const bob = open(bobDir, bobNs)
      await allOnline(alice, bob)
      const firstMs = await timedMessage(alice, 'alice', bob, 'hello across hosts')
      bob.line('/dm alice private across hosts')
      await alice.waitForScreen('@bob bob: private across hosts')
      await openRoom(alice, 'alice', bob, 'bob', 'ops')
      alice.line('room across hosts')
      await bob.waitForScreen('#ops alice: room across hosts', 30_000)

      // the relay restarts; what is written meanwhile arrives once it is back
      expect(await relay.stop()).toBe(0)
      await alice.waitForScreen(/0 peers/)
      await bob.waitForScreen(/0 peers/)
      alice.line('room while the relay is down')
      alice.line('/join general')
      alice.line('general while the relay is down')
      bob.line('/dm alice private while the relay is down')
      await alice.waitForScreen(/alice: general while the relay is down \(pending\)/)
      relay = await startRelayProcess(relayArgs, { prefix: lab.exec(lab.relay) })
      await bob.waitForScreen('alice: general while the relay is down', 30_000)
      await bob.waitForScreen('#ops alice: room while the relay is down', 30_000)
      await alice.waitForScreen('@bob bob: private while the relay is down', 30_000)
      await alice.waitForScreen(/alice: general while the relay is down ✓/, 30_000)
      // nothing lost: everything said before the restart is still on both screens
      for (const line of ['alice: hello across hosts', '@bob bob: private across hosts', '#ops alice: room across hosts']) {
        expect(alice.text()).toContain(line)
      }
      for (const line of ['alice: hello across hosts', '#ops alice: room across hosts']) expect(bob.text()).toContain(line)

      alice.line('/quit')
      bob.line('/quit')
      expect((await alice.exit()).exitCode).toBe(0)
      expect((await bob.exit()).exitCode).toBe(0)
      console.log(`netns: first message alice -> relay -> bob, typed to shown: ${firstMs} ms`)
    } finally {
      for (const t of terminals) t.kill()
      await relay?.stop()
      await lab.cleanup()
    }
  }, 180_000)
})
