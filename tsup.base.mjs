// The build every package shares: ESM, type declarations, source maps,
// ES2022, a clean dist/. A package's tsup.config.ts gives its entries and
// whatever else differs. (JavaScript with a .d.mts beside it, so each
// package's typecheck reads its types without taking the file as a source.)
import { defineConfig } from 'tsup'

/** @param {import('tsup').Options} options */
export function packageConfig (options) {
  return defineConfig({
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    ...options
  })
}
