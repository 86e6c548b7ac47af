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

  // Regression: a passphrase pipeline whose first entries came by sync while
  // its key was still being derived never delivered them (nothing told
  // delivery that the key had arrived), so bob's "notes" stayed silent.
  it('private and encrypted pipelines: bob reads the dm, the members\' room and the passphrase notes', async () => {
    const [, second] = await readmeExamples(new URL('../README.md', import.meta.url))
    expect(await runExample(packageDir, second as string, 90_000)).toEqual([
      'dm alice: only bob reads this',
      'room alice: for members',
      'epoch 3 alice bob dave',
      'notes alice: by passphrase'
    ])
  }, 120_000)
})
