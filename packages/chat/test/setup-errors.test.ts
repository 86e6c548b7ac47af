import { afterEach, describe, expect, it } from 'vitest'
import { MAX_MESSAGE_LENGTH } from '../src/index.js'
import { Scratch } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

describe('Chat set-up and connection mistakes', () => {
  it('refuses set-up twice, connecting twice, sending before connecting and unknown networks, with typed errors', async () => {
    const chat = scratch.chat(await scratch.dir())
    await expect(chat.sendMessage('too early')).rejects.toMatchObject({ code: 'ERR_CHAT_NOT_CONNECTED' })
    await chat.setupUser('alice')
    const again = await chat.setupUser('alice2').catch((e: unknown) => e)
    expect(again).toMatchObject({ code: 'ERR_USER_ALREADY_CONFIGURED' })
    expect((again as Error).message).toContain('User is already configured: alice')
    await expect(chat.connectToNetwork('nowhere')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_NETWORK' })
    await chat.connectToNetwork('local')
    await expect(chat.connectToNetwork('local')).rejects.toMatchObject({ code: 'ERR_ALREADY_CONNECTED' })
    await expect(chat.sendMessage(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_INVALID_MESSAGE' })
    await expect(chat.sendMessage('x'.repeat(MAX_MESSAGE_LENGTH + 1))).rejects.toMatchObject({ code: 'ERR_INVALID_MESSAGE' })
  })
})
