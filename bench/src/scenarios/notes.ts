/** Notes that scenarios attach to rows when a run did not go cleanly. */
import type { LiveRun } from '../live-driver.js'

/** A note for rows whose runs stalled or had publish errors; nothing when all went cleanly. */
export function liveRunNote (runs: readonly LiveRun[]): { note?: string } {
  const parts: string[] = []
  const stalled = runs.filter((r) => r.stalled).length
  if (stalled > 0) parts.push(`${stalled}/${runs.length} runs stalled`)
  const errors = runs.reduce((a, r) => a + r.publishErrors, 0)
  if (errors > 0) parts.push(`${errors} publish errors (${String(runs.find((r) => r.firstError != null)?.firstError)})`)
  return parts.length > 0 ? { note: parts.join('; ') } : {}
}
