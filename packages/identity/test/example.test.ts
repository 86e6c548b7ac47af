import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('..', import.meta.url))

// The README's example is examples/quickstart.mjs; running it here (against
// the built dist/, as a user would) keeps it from rotting.
describe('examples/quickstart.mjs', () => {
  it('runs and prints what the README says it prints', async () => {
    const { stdout } = await run(process.execPath, ['examples/quickstart.mjs'], { cwd: packageDir, timeout: 60_000 })
    const lines = stdout.trim().split('\n')
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
