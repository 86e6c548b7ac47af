import { browserBundle } from '@pipes/test-support'
import { expect, it } from 'vitest'

// docs/architecture.md: @pipes/platform is browser-safe (its entry imports no Node built-in).
it('src/index.ts bundles for the browser without reaching any Node built-in', async () => {
  const report = await browserBundle(new URL('../src/index.ts', import.meta.url))
  expect(report.nodeImports).toEqual([])
  expect(report.bytes).toBeGreaterThan(1000)
})
