import { browserBundle } from '@pipes/test-support'
import { describe, expect, it } from 'vitest'

describe('browser safety', () => {
  it('src/index.ts bundles for the browser without importing any Node built-in', async () => {
    const report = await browserBundle(new URL('../src/index.ts', import.meta.url))
    expect(report.nodeImports).toEqual([])
    expect(report.bytes).toBeGreaterThan(1000)
  })

  it('the check itself sees Node built-ins: src/key-file-fs.ts imports fs and path', async () => {
    const report = await browserBundle(new URL('../src/key-file-fs.ts', import.meta.url))
    expect(report.nodeImports.map(i => i.split(' ')[0])).toEqual(['node:fs/promises', 'node:path'])
  })
})
