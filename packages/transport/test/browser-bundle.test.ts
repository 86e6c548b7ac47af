import { browserBundle } from '@pipes/test-support'
import { expect, it } from 'vitest'

it('the browser entry (what package exports give browsers) reaches no Node built-in', async () => {
  const report = await browserBundle(new URL('../src/browser.ts', import.meta.url))
  expect(report.nodeImports).toEqual([])
  expect(report.bytes).toBeGreaterThan(10_000)
})

it('the check sees Node built-ins: the Node entry reaches some (tcp, mdns)', async () => {
  expect((await browserBundle(new URL('../src/index.ts', import.meta.url))).nodeImports).not.toEqual([])
})
