import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Scratch, waitFor } from '@pipes/test-support'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, runPipes, startRelayProcess } from './support/pipes-process.js'
import type { RelayProcess } from './support/pipes-process.js'
import { allOnline, openRoom, timedMessage } from './support/chat-steps.js'
import { PipesTerminal } from './support/terminal.js'

// Two people chat through a relay in real terminals, as they would by hand:
// every keystroke goes through a pseudo-terminal, every check reads the screen.
const scratch = new Scratch('pipes-cli-chat-')
afterEach(async () => { await scratch.cleanup() })

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch { return false }
}

async function user (name: string, invite: string): Promise<string> {
  const dir = join(await scratch.dir(), name)
  expect((await runPipes(['--dir', dir, 'init', name])).code).toBe(0)
  expect((await runPipes(['--dir', dir, 'join', invite])).code).toBe(0)
  return dir
}

function chat (dir: string): PipesTerminal {
  const t = new PipesTerminal(['--dir', dir, 'chat'])
  scratch.defer(() => { t.kill() })
  return t
}

/** The screen row that shows `text`. */
function row (t: PipesTerminal, text: string): string {
  return t.screen().find(l => l.includes(text)) ?? ''
}

describe('pipes chat in a terminal', () => {
  it('two users chat through a relay; one leaves and comes back to what it missed; a message written offline turns delivered; /dm and a room with a removal; Ctrl-C ends cleanly', async () => {
    const relayDir = await scratch.dir()
    const port = await freePort()
    const relayArgs = ['--dir', relayDir, 'relay', '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--metrics', '127.0.0.1:0']
    let relay: RelayProcess = await startRelayProcess(relayArgs)
    scratch.defer(async () => { await relay.stop() })
    const aliceDir = await user('alice', relay.invite)
    const bobDir = await user('bob', relay.invite)

    let alice = chat(aliceDir)
    const bob = chat(bobDir)
    await allOnline(alice, bob)
    const firstMessageMs = await timedMessage(alice, 'alice', bob, 'hello bob')
    await alice.waitForScreen(/alice: hello bob ✓/)
    bob.line('hi alice')
    await alice.waitForScreen('bob: hi alice')

    // alice leaves; what bob writes meanwhile is waiting for her when she is back
    alice.line('/quit')
    expect((await alice.exit()).exitCode).toBe(0)
    expect(existsSync(join(aliceDir, 'LOCK'))).toBe(false)
    bob.line('while you were away')
    await bob.waitForScreen(/bob: while you were away ✓/)
    alice = chat(aliceDir)
    await alice.waitForScreen('bob: while you were away')

    // the relay goes away: alice's message waits as pending, and is delivered once the relay is back
    await relay.stop()
    await alice.waitForScreen(/0 peers/)
    alice.line('written offline')
    await alice.waitForScreen(/alice: written offline \(pending\)/)
    expect(row(alice, 'pipes |')).toMatch(/1 pending/)
    relay = await startRelayProcess(relayArgs)
    await alice.waitForScreen(/alice: written offline ✓/, 30_000)
    await bob.waitForScreen('alice: written offline', 30_000)
    expect(row(alice, 'pipes |')).toMatch(/0 pending/)

    // private messages: only the two of them, marked with the other's name
    bob.line('/dm alice just for you')
    await alice.waitForScreen('@bob bob: just for you')
    alice.line('/dm bob got it')
    await bob.waitForScreen('@alice alice: got it')
    expect(row(bob, 'bob: just for you')).toContain('@alice')
    // search over every conversation, the private one included, and a page of history where one is
    bob.line('/search for yo')
    await bob.waitForScreen(/@alice bob: just \[for\] \[you\]/)
    bob.line('/history 1')
    await bob.waitForScreen(/last 1 stored in @alice/)

    // a room: alice creates it for bob, bob joins; then alice removes him
    await openRoom(alice, 'alice', bob, 'bob', 'team')
    alice.line('welcome to the team')
    await bob.waitForScreen('#team alice: welcome to the team', 30_000)
    alice.line('/members')
    await alice.waitForScreen(/#team: .*alice \(you\).*bob|#team: .*bob.*alice \(you\)/)
    alice.line('/room remove team bob')
    await alice.waitForScreen('removed bob from #team')
    alice.line('after the removal')
    await alice.waitForScreen(/#team alice: after the removal/)
    alice.line('/join general')
    alice.line('marker after the room')
    await bob.waitForScreen('alice: marker after the room')
    expect(bob.text()).not.toContain('after the removal')

    // Ctrl-C: the process ends by itself and leaves no lock
    const pid = bob.pid
    bob.write('\u0003')
    expect((await bob.exit()).exitCode).toBe(0)
    await waitFor(() => !alive(pid), { timeout: 5000 })
    expect(existsSync(join(bobDir, 'LOCK'))).toBe(false)
    alice.line('/quit')
    expect((await alice.exit()).exitCode).toBe(0)
    expect(existsSync(join(aliceDir, 'LOCK'))).toBe(false)
    console.log(`first message through the relay, typed to shown: ${firstMessageMs} ms`)
  }, 180_000)
})
