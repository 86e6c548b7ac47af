import { DeliveryChecker } from '@pipes/testkit'
import { describe, expect, it } from 'vitest'

// The checker lives in the test kit (which may not import pipeline); its own
// findings are checked here, where it is used, so a pipeline test that relies
// on it cannot pass by a checker that sees nothing.
describe('delivery checker', () => {
  it('reports lost, duplicated, out-of-order and unacknowledged deliveries', async () => {
    const c = new DeliveryChecker()
    for (let seq = 1; seq <= 3; seq++) c.acknowledged({ author: 'a', id: `a${seq}`, seq, expectedAt: ['n1', 'n2'] })
    c.delivered({ node: 'n1', author: 'a', id: 'a1', seq: 1 })
    c.delivered({ node: 'n1', author: 'a', id: 'a3', seq: 3 })
    c.delivered({ node: 'n1', author: 'a', id: 'a2', seq: 2 })
    c.delivered({ node: 'n1', author: 'a', id: 'a2', seq: 2 })
    c.delivered({ node: 'n2', author: 'a', id: 'a1', seq: 1 })
    c.delivered({ node: 'n2', author: 'x', id: 'x1', seq: 1 })
    expect(c.report()).toMatchObject({ acknowledged: 3, deliveries: 6, lost: 2, duplicated: 1, outOfOrder: 1, unacknowledged: 1 })
    expect(c.report().lostSamples).toEqual([{ node: 'n2', author: 'a', id: 'a2', seq: 2 }, { node: 'n2', author: 'a', id: 'a3', seq: 3 }])
    expect(c.complete()).toBe(false)
    await expect(c.waitForComplete({ timeout: 50 })).rejects.toThrow(/incomplete/)
    const waiting = c.waitForComplete({ timeout: 5000 })
    c.delivered({ node: 'n2', author: 'a', id: 'a2', seq: 2 })
    c.delivered({ node: 'n2', author: 'a', id: 'a3', seq: 3 })
    expect((await waiting).lost).toBe(0)
    expect(c.deliveredCount('n2')).toBe(4)
  })
})
