import { expect, it } from 'vitest'
import { readmeExamples, runExample } from '../src/index.js'

it('the README example runs and prints what the README says', async () => {
  const [example] = await readmeExamples(new URL('../README.md', import.meta.url))
  expect(await runExample(new URL('..', import.meta.url), example as string, 30_000)).toEqual(['got hello; true'])
})
