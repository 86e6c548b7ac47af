import { describe, expect, it } from 'vitest'
import { Mutex } from '../src/index.js'

describe('Mutex', () => {
  it('runs sections one at a time in call order; a failure does not stop the next', async () => {
    const mutex = new Mutex()
    const log: string[] = []
    let release: () => void = () => {}
    const gate = new Promise<void>(resolve => { release = resolve })
    const first = mutex.run(async () => { log.push('1 start'); await gate; log.push('1 end'); return 1 })
    const second = mutex.run(() => { log.push('2'); throw new Error('boom') })
    const third = mutex.run(() => { log.push('3'); return 3 })
    await Promise.resolve()
    expect(log).toEqual(['1 start'])
    release()
    expect(await first).toBe(1)
    await expect(second).rejects.toThrow('boom')
    expect(await third).toBe(3)
    expect(log).toEqual(['1 start', '1 end', '2', '3'])
  })
})
