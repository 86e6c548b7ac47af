/**
 * The delay before retry number `attempt` (0 for the first): `baseMs`
 * doubled per attempt up to `maxMs`, then jittered to a delay in [d/2, d]
 * so that peers that failed together do not retry together. The one
 * backoff of the tree (sync session retries, the point-to-point outbox,
 * redials). `random` is for tests.
 */
export function backoffDelay (attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + random() * ceiling / 2)
}
