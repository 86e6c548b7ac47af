import type { Options } from 'tsup'

/** The shared tsup build (ESM, .d.ts, source maps, ES2022, clean) with a package's `options` over it. */
export declare function packageConfig (options: Options): Options
