import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { networkId } from './helpers.js'

// Regression: the sync scheduler's interval kept the process of a disconnected node alive for ever.
it('a process whose node lost its transport exits by itself', async () => {
  const here = dirname(fileURLToPath(import.meta.url))
  const child = spawn(process.execPath, [join(here, 'fixtures', 'disconnected-node.mjs'), networkId('exit')], { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null) }, 15_000)
    child.on('exit', (c) => { clearTimeout(timer); resolve(c) })
  })
  expect(out).toContain('idle')
  expect(code).toBe(0)
})
