import { generateIdentity, utf8Encode } from '@pipes/identity'
import { describe, expect, it } from 'vitest'
import { Membership } from '../../src/secure/membership.js'
import { RecordClock, scope } from './helpers.js'

describe('control records that arrive before the genesis', () => {
  it('are kept within a byte bound (past it: deferred), and only admins\' are used once the genesis comes', async () => {
    const owner = generateIdentity('owner')
    const member = generateIdentity('member')
    const stranger = generateIdentity('stranger')
    const view = new Membership(member, owner.publicKey, scope)
    const clock = new RecordClock()
    // well-formed grant records carrying 512 KiB of padding each, from someone who is not an admin
    const padded = utf8Encode(JSON.stringify({ v: 2, type: 'grant', epoch: 1, key: '00'.repeat(8), grants: [], pad: 'x'.repeat(512 * 1024) }))
    const outcomes: string[] = []
    for (let i = 0; i < 16; i++) outcomes.push(await view.apply(clock.next(stranger.publicKey, padded)))
    expect(outcomes.filter(o => o === 'pending').length).toBeLessThanOrEqual(8)
    expect(outcomes).toContain('deferred')
    // the genesis comes: the stranger's records are dropped, not applied
    const genesis = new Membership(owner, owner.publicKey, scope).genesisRecord([member.public()])
    expect(await view.apply(clock.next(owner.publicKey, genesis))).toBe('applied')
    expect(view.started).toBe(true)
    expect(view.stats.notAdmin).toBeGreaterThan(0)
  })
})
