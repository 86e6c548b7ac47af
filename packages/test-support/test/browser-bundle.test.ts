import { describe, expect, it } from 'vitest'
import { browserBundle, isNodeBuiltin } from '../src/index.js'

describe('browserBundle', () => {
  it('lists the Node built-ins an entry reaches statically, with their importer', async () => {
    const report = await browserBundle(new URL('./fixtures/uses-fs.ts', import.meta.url))
    expect(report.nodeImports).toEqual([expect.stringMatching(/^node:fs\/promises \(from .*uses-fs\.ts\)$/)])
    expect(report.bytes).toBeGreaterThan(0)
  })

  it('follows import() only when asked', async () => {
    const report = await browserBundle(new URL('./fixtures/uses-fs.ts', import.meta.url), { followDynamicImports: true })
    expect(report.nodeImports.map(i => i.split(' ')[0])).toEqual(['node:fs/promises', 'node:os'])
  })

  it('knows built-ins with and without the node: prefix, and not relative paths', () => {
    expect(['node:fs', 'fs', 'fs/promises', 'crypto'].every(isNodeBuiltin)).toBe(true)
    expect(['./fs', '/fs', 'fs-extra', '@noble/hashes'].some(isNodeBuiltin)).toBe(false)
  })
})
