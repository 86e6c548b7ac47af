import { readFile } from 'node:fs/promises'
import { runExample } from '@pipes/test-support'
import { describe, expect, it } from 'vitest'

const packageDir = new URL('..', import.meta.url)
const example = async (): Promise<string> => await readFile(new URL('../examples/quickstart.mjs', import.meta.url), 'utf8')

// The README's example is examples/quickstart.mjs; running it against the
// built dist/, as a user would, keeps it from rotting.
describe('examples/quickstart.mjs', () => {
  it('runs and prints what the README says it prints', async () => {
    expect(await runExample(packageDir, await example(), 30_000)).toEqual([
      'listeners: 1',
      'first added: item 0',
      'after 10: true QueueFullError ERR_QUEUE_FULL'
    ])
  })
})
