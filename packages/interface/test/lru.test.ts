import { describe, expect, it } from 'vitest'
import { Lru } from '../src/index.js'

describe('Lru', () => {
  it('evicts the least recently used past capacity; get refreshes, peek and has do not', () => {
    const lru = new Lru<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1) // a is now the youngest
    lru.set('c', 3)               // evicts b
    expect([lru.has('a'), lru.has('b'), lru.has('c')]).toEqual([true, false, true])
    expect(lru.peek('a')).toBe(1) // a stays older than c
    lru.set('d', 4)               // evicts a
    expect([lru.has('a'), lru.has('c'), lru.has('d'), lru.size]).toEqual([false, true, true, 2])
    lru.delete('c')
    expect(lru.get('c')).toBeUndefined()
    expect(lru.size).toBe(1)
  })
})
