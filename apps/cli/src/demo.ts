/**
 * `pnpm demo` (node dist/demo.js): runs the scripted demo and exits by itself;
 * 0 when bob received every message he missed and carol saw neither the
 * private messages nor the room messages sent after her removal. A watchdog fails the run at
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
  (result) => {
    const leaked = result.privateSeenByCarol + result.roomSeenByCarolAfterRemoval
    if (leaked > 0) console.error(`demo failed: carol saw ${leaked} message(s) meant for others`)
    process.exitCode = leaked === 0 ? 0 : 1
  },
  (err: unknown) => {
    console.error('demo failed:', err instanceof Error ? err.message : err)
    process.exitCode = 1
  }
)
