/**
 * `pnpm demo` (node dist/demo.js): runs the scripted demo and exits by itself;
 * 0 when bob received every message he missed. A watchdog fails the run at
 * 30 s (it does not keep the process alive).
 */
import { runDemo } from './demo-script.js'

const LIMIT_MS = 30_000
const watchdog = setTimeout(() => {
  console.error(`demo: still running after ${LIMIT_MS / 1000} s; open handles: ${process.getActiveResourcesInfo().join(', ')}`)
  process.exit(1)
}, LIMIT_MS)
watchdog.unref()

runDemo().then(
  () => { process.exitCode = 0 },
  (err: unknown) => {
    console.error('demo failed:', err instanceof Error ? err.message : err)
    process.exitCode = 1
  }
)
