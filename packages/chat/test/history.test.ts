// Chat.history() follows the rule for long stored data (docs/architecture.md,
// "When a call is async"): an async iterable read from the store as it is
// iterated, like Pipeline.history().
import { afterEach, describe, expect, it } from 'vitest'
import { ChatNotConnectedError } from '../src/index.js'
import { Scratch, collect, startUser } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

describe('Chat.history()', () => {
  it('is an async iterable of the stored messages, in per-author order, malformed ones skipped', async () => {
    const alice = await startUser(scratch, 'alice')
    for (const text of ['one', 'two', 'three']) await alice.chat.sendMessage(text)
    await alice.chat.pipeline?.putPacket(new TextEncoder().encode('not json'))
    const history = alice.chat.history()
    expect(typeof (history as AsyncIterable<unknown>)[Symbol.asyncIterator]).toBe('function')
    expect(history).not.toBeInstanceOf(Promise)
    expect((await collect(history)).map(m => m.text)).toEqual(['one', 'two', 'three'])
    // an early break stops reading
    for await (const m of alice.chat.history()) {
      expect(m.text).toBe('one')
      break
    }
  })

  it('throws ERR_CHAT_NOT_CONNECTED when iterated before connectToNetwork', async () => {
    const chat = scratch.chat(await scratch.dir())
    await expect(collect(chat.history())).rejects.toThrow(ChatNotConnectedError)
  })
})
