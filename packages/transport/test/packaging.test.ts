import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url))

it('package exports pick the browser entry for browsers and the Node entry otherwise', async () => {
  const pkg = JSON.parse(await readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'))
  expect(pkg.exports['.']).toMatchObject({ browser: './dist/browser.js', node: './dist/index.js', import: './dist/index.js' })
  const keys = Object.keys(pkg.exports['.'])
  expect(keys.indexOf('browser')).toBeLessThan(keys.indexOf('node'))
})

it('the Node entry loads the polyfills before anything else', async () => {
  const code = await readFile(dist('index.js'), 'utf8')
  const firstImport = code.split('\n').find(line => line.startsWith('import '))
  expect(firstImport).toBe('import "./polyfills.js";')
  await import('../dist/index.js')
  expect(typeof (Promise as unknown as { withResolvers: unknown }).withResolvers).toBe('function')
  expect(typeof globalThis.WebSocket).toBe('function')
})
