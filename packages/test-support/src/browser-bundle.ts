import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Plugin } from 'esbuild'

const builtins = new Set(builtinModules)

/** Whether an import specifier names a Node built-in (`node:fs`, `fs`, `fs/promises`). */
export function isNodeBuiltin (specifier: string): boolean {
  if (specifier.startsWith('node:')) return true
  if (specifier.startsWith('.') || specifier.startsWith('/')) return false
  return builtins.has(specifier) || builtins.has(specifier.split('/')[0] as string)
}

/** What {@link browserBundle} found. */
export interface BrowserBundleReport {
  /** Node built-ins the bundle reaches, each as `specifier (from importer)`, sorted. Empty for a browser-safe entry. */
  nodeImports: string[]
  /** Size of the bundle in bytes (a sanity check that something was bundled). */
  bytes: number
}

/** Options of {@link browserBundle}. */
export interface BrowserBundleOptions {
  /**
   * Follow `import()` too. Default false: code an entry loads lazily (the
   * platform's directory storage, say) is reached only when a Node app asks
   * for it, so the browser entry's promise is about static imports.
   */
  followDynamicImports?: boolean
}

/**
 * Bundles `entry` (a path or file URL: TypeScript or JavaScript) as esbuild
 * does for a browser (`platform: 'browser'`, so packages' `browser` exports
 * are chosen) and lists every Node built-in it reaches. The one browser-safety
 * check every package that claims to run in the browser runs on its entry.
 */
export async function browserBundle (entry: string | URL, options: BrowserBundleOptions = {}): Promise<BrowserBundleReport> {
  const found = new Set<string>()
  const spy: Plugin = {
    name: 'node-builtin-spy',
    setup (b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (isNodeBuiltin(args.path)) {
          found.add(`${args.path} (from ${args.importer})`)
          return { path: args.path, external: true }
        }
        if (args.kind === 'dynamic-import' && options.followDynamicImports !== true) return { path: args.path, external: true }
        return undefined
      })
    }
  }
  const result = await build({
    entryPoints: [entry instanceof URL ? fileURLToPath(entry) : entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [spy]
  })
  return { nodeImports: [...found].sort(), bytes: result.outputFiles[0]?.contents.byteLength ?? 0 }
}
