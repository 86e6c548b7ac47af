import { describe, expect, it } from 'vitest'
import { PipesError } from '@pipes/interface'

describe('PipesError', () => {
  it('carries a stable code and its subclass name', () => {
    class ExampleError extends PipesError {
      static override name = 'ExampleError'
      constructor () { super('ERR_EXAMPLE', 'do the other thing') }
    }
    const err = new ExampleError()
    expect(err).toBeInstanceOf(PipesError)
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe('ERR_EXAMPLE')
    expect(err.name).toBe('ExampleError')
    expect(err.message).toBe('do the other thing')
  })
})
