import { readFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { expect, it } from 'vitest'

const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url))
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map(m => `node:${m}`)])

it('the browser entry bundles for the browser platform without any Node built-in', async () => {
  const imported: string[] = []
  const result = await build({
    entryPoints: [dist('browser.js')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [{
      name: 'record-node-builtins',
      setup (b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (nodeBuiltins.has(args.path)) imported.push(`${args.path} (from ${args.importer})`)
          return undefined
        })
      }
    }]
  }).catch((err: { errors?: Array<{ text: string }> }) => {
    throw new Error(`browser bundle failed: ${(err.errors ?? []).map(e => e.text).join('; ')}`)
  })
  expect(imported).toEqual([])
  expect(result.errors).toEqual([])
  expect(result.outputFiles[0]?.contents.byteLength).toBeGreaterThan(10_000)
})

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
