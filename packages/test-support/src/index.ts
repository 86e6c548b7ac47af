/**
 * @packageDocumentation
 * Private test support of Pipes with no Pipes dependency, so every package's
 * tests can use it (the test kit builds on the transport, whose own tests
 * therefore cannot import the kit): bounded waits, an event-driven collector,
 * scratch directories with teardown, and the browser-bundle check.
 *
 * @example
 * ```ts
 * import { browserBundle, Scratch, waitFor } from '@pipes/test-support'
 *
 * const scratch = new Scratch('pipes-example-')
 * const dir = await scratch.dir()
 * await waitFor(() => true, { timeout: 1000, message: 'ready' })
 * expect((await browserBundle(new URL('../src/index.ts', import.meta.url))).nodeImports).toEqual([])
 * await scratch.cleanup()
 * ```
 */
export { WaitTimeoutError } from './wait-timeout-error.js'
export { waitFor, waitForEvent, withTimeout } from './wait.js'
export type { WaitForOptions, WaitForEventOptions } from './wait.js'
export { Collector } from './collector.js'
export { Scratch } from './scratch.js'
export type { Closeable } from './scratch.js'
export { browserBundle, isNodeBuiltin } from './browser-bundle.js'
export type { BrowserBundleOptions, BrowserBundleReport } from './browser-bundle.js'
export { readmeExamples, runExample } from './readme.js'
