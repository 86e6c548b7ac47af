/**
 * Writes a run of packets the way an app does: every call awaited, with a
 * fixed number of calls pending at once (1 = one by one).
 */
import { MEASURED, makePayload } from './payload.js'

/** Calls `put` for packets 0..count-1, keeping `inFlight` calls pending; rethrows the first failure. */
export async function writeAll (put: (data: Uint8Array) => Promise<unknown>, count: number, size: number, inFlight: number, seqBase = 0): Promise<void> {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      await put(makePayload(MEASURED, seqBase + i, size))
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane))
}
