// The README's examples, run as a user would run them (against the built dist/).
import { readmeExamples, runExample } from '@pipes/test-support'
import { describe, expect, it } from 'vitest'

const packageDir = new URL('..', import.meta.url)

describe('README examples', () => {
  it('the first example: bob sees alice\'s hello', async () => {
    const [first] = await readmeExamples(new URL('../README.md', import.meta.url))
    const lines = await runExample(packageDir, first as string)
    expect(lines).toContain("bob's screen: alice: hello bob")
  }, 60_000)

  it('the private and room example prints what the README says', async () => {
    const examples = await readmeExamples(new URL('../README.md', import.meta.url))
    const lines = await runExample(packageDir, examples[1] as string)
    expect([...lines].sort()).toEqual([
      "bob's screen: (private) alice: just for you, bob",
      "bob's screen: [team] alice: welcome, team",
      "carol's screen: [team] alice: welcome, team",
      "bob's screen: [team] alice: carol has left"
    ].sort())
  }, 60_000)
})
