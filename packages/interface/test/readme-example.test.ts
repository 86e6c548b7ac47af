import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('..', import.meta.url))

// The README's example is examples/quickstart.mjs; running it against the
// built dist/, as a user would, keeps it from rotting.
describe('examples/quickstart.mjs', () => {
  it('runs and prints what the README says it prints', async () => {
    const { stdout } = await run(process.execPath, ['examples/quickstart.mjs'], { cwd: packageDir, timeout: 30_000 })
    expect(stdout.trim().split('\n')).toEqual([
      'listeners: 1',
      'first added: item 0',
      'after 10: true QueueFullError ERR_QUEUE_FULL'
    ])
  })
})
