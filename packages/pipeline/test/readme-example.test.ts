// The README's example, run as a user would run it (against the built dist/).
import { readmeExamples, runExample } from '@pipes/test-support'
import { describe, expect, it } from 'vitest'

const packageDir = new URL('..', import.meta.url)

describe('README example', () => {
  it('bob gets alice\'s hello and alice learns that bob holds it', async () => {
    const [first] = await readmeExamples(new URL('../README.md', import.meta.url))
    expect(await runExample(packageDir, first as string, 30_000)).toEqual([
      'bob got alice: hello',
      'held by bob: true true'
    ])
  }, 60_000)
})
