import { packageConfig } from '../../tsup.base.mjs'
import type { Plugin } from 'esbuild'

// Keep `import './polyfills.js'` a real import at the top of dist/index.js
// (not inlined after libp2p's imports): ESM evaluates imports in order, so
// the polyfills run before any libp2p module.
const keepPolyfillsSeparate: Plugin = {
  name: 'keep-polyfills-separate',
  setup (build) {
    build.onResolve({ filter: /^\.\/polyfills\.js$/ }, (args) => {
      if (args.kind === 'entry-point') return undefined
      return { path: './polyfills.js', external: true }
    })
  }
}

export default packageConfig({
  entry: ['src/index.ts', 'src/browser.ts', 'src/polyfills.ts'],
  dts: { entry: ['src/index.ts', 'src/browser.ts', 'src/polyfills.ts'] },
  splitting: false,
  esbuildPlugins: [keepPolyfillsSeparate]
})
