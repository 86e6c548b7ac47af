import { afterEach, describe, expect, it } from 'vitest'
import { Scratch, link, startUser } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

describe('Chat over a persistent or a live pipeline', () => {
  it('uses a persistent CHAT pipeline by default and a live one with persistent: false', async () => {
    const { chat } = await startUser(scratch, 'alice')
    expect(chat.pipeline).toMatchObject({ name: 'CHAT', kind: 'persistent' })
    const { chat: live } = await startUser(scratch, 'bob', undefined, { persistent: false })
    expect(live.pipeline).toMatchObject({ name: 'CHAT', kind: 'live' })
  })

  it('live form: users online at send time get the message', async () => {
    const alice = await startUser(scratch, 'alice', undefined, { persistent: false })
    const bob = await startUser(scratch, 'bob', undefined, { persistent: false })
    await link(bob.chat, alice.chat)
    // gossipsub learns bob's subscription shortly after the connection: resend until it lands
    for (let i = 0; i < 40 && bob.inbox.messages.length === 0; i++) {
      await alice.chat.sendMessage(`live ${i}`)
      await bob.inbox.waitFor([`live ${i}`], 'bob', 250).catch(() => {})
    }
    expect(bob.inbox.messages[0]).toMatchObject({ sender: 'alice' })
    expect(bob.inbox.messages[0]?.text).toMatch(/^live \d+$/)
  })
})
