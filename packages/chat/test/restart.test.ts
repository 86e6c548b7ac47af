import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { Inbox, Scratch, collect, link } from './helpers.js'

const execFileAsync = promisify(execFile)
const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

describe('Chat restart', () => {
  it('a user who chatted, stopped and started again on the same apiPath has identity, network and history', async () => {
    const aliceDir = await scratch.dir()
    const alice = scratch.chat(aliceDir)
    await alice.setupUser('alice')
    await alice.api.addNetwork({ id: 'team', listen: ['/ip4/127.0.0.1/tcp/0'] })
    const aliceInbox = new Inbox()
    alice.setListener(aliceInbox.listener)
    await alice.connectToNetwork('team')
    const aliceId = alice.identity?.id

    const bob = scratch.chat(await scratch.dir())
    await bob.setupUser('bob')
    const bobInbox = new Inbox()
    bob.setListener(bobInbox.listener)
    await bob.api.addNetwork({ id: 'team', listen: ['/ip4/127.0.0.1/tcp/0'] })
    await bob.connectToNetwork('team')
    await link(bob, alice)
    await alice.sendMessage('before the restart')
    await bob.sendMessage('bob says hi')
    await aliceInbox.waitFor(['before the restart', 'bob says hi'], 'alice')
    await alice.close()

    // bob writes while alice is stopped
    await bob.sendMessage('while alice was stopped')

    const again = scratch.chat(aliceDir)
    expect(await again.isUserConfigured()).toBe(true)
    await expect(again.setupUser('alice')).rejects.toMatchObject({ code: 'ERR_USER_ALREADY_CONFIGURED' })
    expect((await again.api.networks()).map(n => n.id)).toEqual(['local', 'team'])
    const inbox = new Inbox()
    again.setListener(inbox.listener)
    await again.connectToNetwork('team')
    expect(again.identity?.id).toBe(aliceId)
    expect(again.identity?.name).toBe('alice')
    const history = (await collect(again.history())).map(m => m.text)
    expect(history).toEqual(expect.arrayContaining(['before the restart', 'bob says hi']))

    await link(again, bob)
    await inbox.waitFor(['while alice was stopped'], 'alice after restart')
    expect(inbox.texts()).not.toContain('before the restart') // history is not replayed as new
    const after = (await collect(again.history())).map(m => m.text)
    expect(after.filter(t => t === 'before the restart')).toHaveLength(1)
    expect(after).toContain('while alice was stopped')
  })
})

describe('Chat restart across OS processes', () => {
  it('a process that chatted and exited leaves identity, network and history for the next process', async () => {
    const dir = await scratch.dir()
    const first = await runSession(dir, 'first')
    const again = await runSession(dir, 'again')
    expect(again).toEqual({
      configured: true,
      id: first.id,
      name: 'carol',
      networks: ['local', 'team'],
      history: [{ text: 'first words', sender: 'carol' }, { text: 'second words', sender: 'carol' }]
    })
  })
})

/** Runs test/fixtures/chat-session.mjs in a child process; resolves its JSON line. */
async function runSession (apiPath: string, phase: 'first' | 'again'): Promise<Record<string, unknown>> {
  const script = fileURLToPath(new URL('./fixtures/chat-session.mjs', import.meta.url))
  const { stdout } = await execFileAsync(process.execPath, [script, apiPath, phase], { timeout: 20_000 })
  const line = stdout.trim().split('\n').pop() ?? ''
  return JSON.parse(line) as Record<string, unknown>
}
