import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { Scratch } from '../src/index.js'

describe('Scratch', () => {
  it('closes what it tracks (failures included) before removing its directories', async () => {
    const scratch = new Scratch('pipes-scratch-test-')
    const dir = await scratch.dir()
    expect((await stat(dir)).isDirectory()).toBe(true)
    const order: string[] = []
    scratch.track({ close: async () => { order.push('closed a'); throw new Error('a failed') } })
    scratch.track({ stop: () => { order.push('stopped b') } })
    scratch.defer(async () => { order.push(`dir still there: ${String((await stat(dir)).isDirectory())}`) })
    await scratch.cleanup()
    expect(order.sort()).toEqual(['closed a', 'dir still there: true', 'stopped b'])
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' })
    await scratch.cleanup() // nothing left: a second cleanup is harmless
  })
})
