import { join } from 'node:path'
import { generateIdentity } from '@pipes/identity'
import { Scratch } from '@pipes/test-support'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeInvite } from '../src/cli/invite.js'
import { freePort, runPipes } from './support/pipes-process.js'
import type { Ran } from './support/pipes-process.js'
import { PipesTerminal } from './support/terminal.js'

const scratch = new Scratch('pipes-cli-bad-')
afterEach(async () => { await scratch.cleanup() })

/** Exactly one line on stderr, no stack trace, and the exit code. */
function failsWith (ran: Ran, code: number, line: RegExp): void {
  const lines = ran.stderr.split('\n').filter(l => l !== '')
  expect(lines, ran.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^pipes: /)
  expect(lines[0]).toMatch(line)
  expect(ran.stderr).not.toMatch(/\n\s+at /)
  expect(ran.code).toBe(code)
}

function terminal (args: string[], env?: Record<string, string>): PipesTerminal {
  const t = new PipesTerminal(args, env === undefined ? {} : { env })
  scratch.defer(() => { t.kill() })
  return t
}

describe('pipes on bad input: one clear line, a non-zero exit', () => {
  it('an unknown command, an unknown flag, a missing argument', async () => {
    const dir = await scratch.dir()
    failsWith(await runPipes(['--dir', dir, 'chatt']), 2, /unknown command "chatt": run "pipes --help"/)
    failsWith(await runPipes(['--dir', dir, 'send', 'general', 'hi', '--loud']), 2, /Unknown option '--loud'.*pipes send --help/)
    failsWith(await runPipes(['--dir', dir, 'init']), 2, /missing an argument/)
    failsWith(await runPipes(['--dir', dir, 'whoami']), 4, /no identity in .* run "pipes init <name>"/)
  })

  it('a bad invite: not one, cut short, of another version', async () => {
    const dir = await scratch.dir()
    failsWith(await runPipes(['--dir', dir, 'join', 'hello']), 2, /not a Pipes invite/)
    const good = encodeInvite({ id: 'x', bootstrap: [`/ip4/127.0.0.1/tcp/1/p2p/${generateIdentity('r').id}`] })
    failsWith(await runPipes(['--dir', dir, 'join', good.slice(0, good.length - 9)]), 2, /damaged/)
    failsWith(await runPipes(['--dir', dir, 'join', good.replace('pipes1.', 'pipes9.')]), 2, /another version/)
    expect((await runPipes(['--dir', dir, 'join', good])).code).toBe(0)
  })

  it('a relay address that does not answer: send says so and exits 5', async () => {
    const dir = join(await scratch.dir(), 'a')
    expect((await runPipes(['--dir', dir, 'init', 'alice'])).code).toBe(0)
    const port = await freePort()
    const invite = encodeInvite({ id: 'nowhere', bootstrap: [`/ip4/127.0.0.1/tcp/${port}/p2p/${generateIdentity('relay').id}`] })
    expect((await runPipes(['--dir', dir, 'join', invite])).code).toBe(0)
    failsWith(await runPipes(['--dir', dir, 'send', 'general', 'hello?', '--timeout', '2']), 5, new RegExp(`no relay answered within 2 s at /ip4/127.0.0.1/tcp/${port}/`))
  }, 60_000)

  it('a second pipes chat on a directory in use, an unknown slash command and a search with no words', async () => {
    const dir = join(await scratch.dir(), 'a')
    expect((await runPipes(['--dir', dir, 'init', 'alice'])).code).toBe(0)
    const first = terminal(['--dir', dir, 'chat', '--network', 'local'])
    await first.waitForScreen(/pipes \| alice \| network local/)
    const second = terminal(['--dir', dir, 'chat', '--network', 'local'])
    expect((await second.exit()).exitCode).toBe(3)
    expect(second.output).toMatch(/pipes: .* is in use by another pipes process: quit it first/)
    first.line('/frobnicate')
    await first.waitForScreen('unknown command /frobnicate: /help lists them')
    first.line('/search')
    await first.waitForScreen('/search needs words: /search lunch friday')
    first.line('/quit')
    expect((await first.exit()).exitCode).toBe(0)
  }, 60_000)

  it('a sealed identity: the passphrase is asked for hidden; a wrong one is one line and exit 4', async () => {
    const dir = join(await scratch.dir(), 'a')
    const init = terminal(['--dir', dir, 'init', 'alice', '--passphrase'])
    await init.waitForOutput(/New passphrase: $/)
    init.line('correct horse')
    await init.waitForOutput(/Again: $/)
    init.line('correct horse')
    expect((await init.exit()).exitCode).toBe(0)
    expect(init.output).not.toContain('correct horse')
    expect(init.output).toMatch(/alice is ready.*sealed/)

    const wrong = terminal(['--dir', dir, 'whoami'])
    await wrong.waitForOutput(/Passphrase: $/)
    wrong.line('wrong horse')
    expect((await wrong.exit()).exitCode).toBe(4)
    expect(wrong.output).toMatch(/pipes: wrong passphrase for .*identity\.key: try again/)
    expect(wrong.output).not.toMatch(/\n\s+at /)

    const right = await runPipes(['--dir', dir, 'whoami', '--json'], { env: { PIPES_PASSPHRASE: 'correct horse' } })
    expect(right.code).toBe(0)
    expect(JSON.parse(right.stdout)).toMatchObject({ name: 'alice' })
    failsWith(await runPipes(['--dir', dir, 'whoami']), 4, /sealed with a passphrase: .* PIPES_PASSPHRASE/)
  }, 60_000)
})
