import { describe, expect, it } from 'vitest'
import { generateIdentity, identityFromJSON, isIdentity } from '@pipes/identity'

// One shape check for "is this an Identity?", shared by chat and the secure pipelines.
describe('isIdentity', () => {
  it('accepts local and parsed identities and refuses look-alikes', async () => {
    const alice = generateIdentity('alice')
    expect(isIdentity(alice)).toBe(true)
    expect(isIdentity(await identityFromJSON(alice.toJSON()))).toBe(true)
    expect(isIdentity(alice.toJSON())).toBe(false)
    expect(isIdentity({ ...alice.toJSON(), publicKey: alice.publicKey, nameSignature: alice.nameSignature.subarray(0, 63) })).toBe(false)
    expect(isIdentity({ id: alice.id, name: 'alice', publicKey: alice.publicKey })).toBe(false)
    expect(isIdentity(null)).toBe(false)
    expect(isIdentity(alice.id)).toBe(false)
  })
})
