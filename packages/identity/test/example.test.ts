import { readFile } from 'node:fs/promises'
import { runExample } from '@pipes/test-support'
import { describe, expect, it } from 'vitest'

const packageDir = new URL('..', import.meta.url)
const example = async (): Promise<string> => await readFile(new URL('../examples/quickstart.mjs', import.meta.url), 'utf8')

// The README's example is examples/quickstart.mjs; running it here (against
// the built dist/, as a user would) keeps it from rotting.
describe('examples/quickstart.mjs', () => {
  it('runs and prints what the README says it prints', async () => {
    const lines = await runExample(packageDir, await example(), 60_000)
    expect(lines[0]).toMatch(/^alice is 12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/)
    expect(lines.slice(1)).toEqual([
      'bob knows alice, same id: true',
      'signature valid: true',
      'altered message valid: false',
      'batch: true, false',
      'bob opens: for bob only',
      'same shared secret: true',
      'reloaded from key file, same id: true'
    ])
  }, 60_000)
})
