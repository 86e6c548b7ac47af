import { generateIdentity } from '@pipes/identity'
import { afterEach, describe, expect, it } from 'vitest'
import { keyFingerprint, safetyNumber } from '../src/index.js'
import { Scratch, startUser } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

const FORMAT = /^(\d{5} ){11}\d{5}$/

describe('safety numbers', () => {
  it('are 60 digits in 12 groups, the same in either order, and change with either key', () => {
    const [a, b, c] = [generateIdentity('a'), generateIdentity('b'), generateIdentity('c')]
    const ab = safetyNumber(a.publicKey, b.publicKey)
    expect(ab).toMatch(FORMAT)
    expect(safetyNumber(b.publicKey, a.publicKey)).toBe(ab)
    expect(safetyNumber(a.publicKey, c.publicKey)).not.toBe(ab)
    expect(safetyNumber(c.publicKey, b.publicKey)).not.toBe(ab)
    // each user's half is the fingerprint of their own key
    expect(ab.replaceAll(' ', '')).toBe([keyFingerprint(a.publicKey), keyFingerprint(b.publicKey)].sort().join(''))
  })

  it('both users of a chat compute the same code from each other\'s identity, JSON or id', async () => {
    const alice = await startUser(scratch, 'alice')
    const bob = await startUser(scratch, 'bob')
    const aliceId = alice.chat.identity
    const bobId = bob.chat.identity
    if (aliceId === undefined || bobId === undefined) throw new Error('not connected')
    const fromAlice = await alice.chat.safetyNumber(bobId.public())
    expect(fromAlice).toMatch(FORMAT)
    expect(await bob.chat.safetyNumber(aliceId.id)).toBe(fromAlice)
    expect(await bob.chat.safetyNumber(JSON.stringify(aliceId.public().toJSON()))).toBe(fromAlice)
    // a look-alike name with another key gives another code
    expect(await bob.chat.safetyNumber(generateIdentity('alice').id)).not.toBe(fromAlice)
    await expect(alice.chat.safetyNumber('not-an-id')).rejects.toMatchObject({ code: 'ERR_INVALID_RECIPIENT' })
  })

  it('needs a connected chat', async () => {
    const chat = scratch.chat(await scratch.dir())
    await expect(chat.safetyNumber(generateIdentity('x').id)).rejects.toMatchObject({ code: 'ERR_CHAT_NOT_CONNECTED' })
  })
})
