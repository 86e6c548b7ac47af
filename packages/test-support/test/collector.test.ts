import { describe, expect, it } from 'vitest'
import { Collector, WaitTimeoutError } from '../src/index.js'

describe('Collector', () => {
  it('wakes a waiter on the push that satisfies it, and times out otherwise', async () => {
    const c = new Collector<number>()
    const waiting = c.waitFor(items => items.length === 2, 'two items', 2000)
    c.push(1)
    c.push(2)
    await waiting
    expect(c.items).toEqual([1, 2])
    await c.waitFor(items => items.includes(1), 'already there', 10)
    const err = await c.waitFor(() => false, 'never', 20).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WaitTimeoutError)
    expect((err as Error).message).toContain('never (have 2 items)')
  })
})
