import { waitFor } from '@pipes/test-support'
import type { Transport } from '@pipes/transport'

/** A network partition in force; `heal()` ends it. */
export interface Partition {
  /** The groups as given. */
  readonly groups: ReadonlyArray<readonly Transport[]>
  /**
   * Lifts the partition and reconnects the pairs that were connected when it
   * started; resolves once they are connected again.
   */
  heal: (options?: { timeout?: number }) => Promise<void>
}

/**
 * Cuts every connection between nodes of different groups and keeps them
 * cut (each node blocks the nodes of the other groups) until `heal()`.
 */
export async function partition (groups: ReadonlyArray<readonly Transport[]>): Promise<Partition> {
  const cut: Array<[Transport, Transport]> = []
  const wereConnected: Array<[Transport, Transport]> = []
  for (let g = 0; g < groups.length; g++) {
    for (let h = g + 1; h < groups.length; h++) {
      for (const a of groups[g] ?? []) {
        for (const b of groups[h] ?? []) {
          cut.push([a, b])
          if (a.peers().includes(b.peerId)) wereConnected.push([a, b])
        }
      }
    }
  }
  await Promise.all(cut.map(async ([a, b]) => {
    await Promise.all([a.block(b.peerId), b.block(a.peerId)])
  }))
  await waitFor(() => cut.every(([a, b]) => !a.peers().includes(b.peerId) && !b.peers().includes(a.peerId)), {
    timeout: 10_000, message: 'partitioned nodes disconnected'
  })
  return {
    groups,
    heal: async (options = {}) => {
      for (const [a, b] of cut) {
        a.unblock(b.peerId)
        b.unblock(a.peerId)
      }
      await Promise.all(wereConnected.map(async ([a, b]) => {
        const addr = b.addresses()[0]
        if (a.started && b.started && addr !== undefined) await a.dial(addr)
      }))
      await waitFor(() => wereConnected.every(([a, b]) => !a.started || !b.started || a.peers().includes(b.peerId)), {
        timeout: options.timeout ?? 10_000, message: 'healed nodes reconnected'
      })
    }
  }
}
