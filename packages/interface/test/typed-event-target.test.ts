import { describe, expect, it } from 'vitest'
import { TypedEventTarget } from '@pipes/interface'

interface Events {
  tick: CustomEvent<number>
}

class Clock extends TypedEventTarget<Events> {
  tick (n: number): void { this.emit('tick', n) }
}

describe('TypedEventTarget', () => {
  it('is an EventTarget whose emit() dispatches a CustomEvent with the detail', () => {
    const clock = new Clock()
    const seen: number[] = []
    const listener = (e: CustomEvent<number>): void => { seen.push(e.detail) }
    clock.addEventListener('tick', listener)
    expect(clock).toBeInstanceOf(EventTarget)
    expect(clock.listenerCount('tick')).toBe(1)
    clock.tick(1)
    clock.dispatchEvent(new CustomEvent('tick', { detail: 2 }))
    clock.removeEventListener('tick', listener)
    clock.tick(3)
    expect(seen).toEqual([1, 2])
    expect(clock.listenerCount('tick')).toBe(0)
  })
})
