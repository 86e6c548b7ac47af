/**
 * @packageDocumentation
 * The Pipes CLI app: the `pipes` command (entry `dist/bin.js`: chat, relay,
 * send, tail, init, join; see README.md) and the scripted demo (`pnpm demo`,
 * entry `dist/demo.js`); `runDemo()` runs the same script from code.
 *
 * @example
 * ```ts
 * import { runDemo } from '@pipes/cli'
 * const { missedDelivered } = await runDemo()
 * ```
 */
export { runDemo } from './demo-script.js'
export type { DemoResult } from './demo-script.js'
export { Narrator } from './narrator.js'
export { Inbox } from './inbox.js'
