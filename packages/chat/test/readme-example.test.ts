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
    const lines = await runExample(packageDir, examples.find(e => e.includes('pipes-chat-private-')) as string)
    expect([...lines].sort()).toEqual([
      "bob's screen: (private) alice: just for you, bob",
      "bob's screen: [team] alice: welcome, team",
      "carol's screen: [team] alice: welcome, team",
      "bob's screen: [team] alice: carol has left"
    ].sort())
  }, 60_000)

  it('the history and search example prints what the README says', async () => {
    const examples = await readmeExamples(new URL('../README.md', import.meta.url))
    const example = examples.find(e => e.includes('pipes-chat-search-'))
    expect(example).toBeDefined()
    expect(await runExample(packageDir, example as string)).toEqual([
      'last page: see you at the harbour (edited)',
      'last page: café was closed, sorry',
      'found: [café] was closed, sorry',
      'found: Lunch at the [Café]?'
    ])
  }, 60_000)
})
