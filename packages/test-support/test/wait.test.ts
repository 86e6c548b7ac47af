import { describe, expect, it } from 'vitest'
import { waitFor, waitForEvent, WaitTimeoutError, withTimeout } from '../src/index.js'

describe('waits always carry a timeout', () => {
  it('waitFor resolves once the predicate holds', async () => {
    let calls = 0
    await waitFor(() => ++calls >= 3, { timeout: 2000, interval: 5 })
    expect(calls).toBe(3)
  })

  it('waitFor rejects with a typed error naming what was awaited', async () => {
    const err = await waitFor(() => false, { timeout: 60, interval: 10, message: 'the moon' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WaitTimeoutError)
    expect(err).toMatchObject({ code: 'ERR_WAIT_TIMEOUT', timeout: 60 })
    expect((err as Error).message).toContain('the moon')
  })

  it('waitForEvent resolves with the first matching event and times out otherwise', async () => {
    const target = new EventTarget()
    const waiting = waitForEvent<CustomEvent<number>>(target, 'tick', { filter: e => e.detail > 1, timeout: 2000 })
    target.dispatchEvent(new CustomEvent('tick', { detail: 1 }))
    target.dispatchEvent(new CustomEvent('tick', { detail: 2 }))
    expect((await waiting).detail).toBe(2)
    await expect(waitForEvent(target, 'never', { timeout: 30 })).rejects.toBeInstanceOf(WaitTimeoutError)
  })

  it('withTimeout passes results and errors through, and times out a stuck promise', async () => {
    expect(await withTimeout(Promise.resolve(7), 1000)).toBe(7)
    await expect(withTimeout(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom')
    await expect(withTimeout(new Promise(() => {}), 30, 'stuck')).rejects.toMatchObject({ code: 'ERR_WAIT_TIMEOUT' })
  })
})
