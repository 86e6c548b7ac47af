import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { describe, expect, it } from 'vitest'

const builtins = new Set(builtinModules)

function isNodeBuiltin (specifier: string): boolean {
  if (specifier.startsWith('node:')) return true
  if (specifier.startsWith('.') || specifier.startsWith('/')) return false
  return builtins.has(specifier) || builtins.has(specifier.split('/')[0] as string)
}

// Bundles an entry for the browser and lists every Node built-in it imports.
async function nodeImportsOf (entry: string): Promise<string[]> {
  const found = new Set<string>()
  const spy: Plugin = {
    name: 'node-builtin-spy',
    setup (b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isNodeBuiltin(args.path)) return undefined
        found.add(args.path)
        return { path: args.path, external: true }
      })
    }
  }
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [spy]
  })
  expect(result.errors).toEqual([])
  expect(result.outputFiles[0]?.text.length).toBeGreaterThan(1000)
  return [...found].sort()
}

describe('browser safety', () => {
  it('src/index.ts bundles for the browser without importing any Node built-in', async () => {
    expect(await nodeImportsOf('../src/index.ts')).toEqual([])
  })

  it('the check itself sees Node built-ins: src/key-file-fs.ts imports fs and path', async () => {
    expect(await nodeImportsOf('../src/key-file-fs.ts')).toEqual(['node:fs/promises', 'node:path'])
  })
})
