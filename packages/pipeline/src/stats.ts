import { REJECT_REASONS } from './reject-reasons.js'
import type { RejectReason } from './reject-reasons.js'
import type { NodeStats, SyncStats } from './types.js'

/** The mutable counters behind `node.stats()`. */
export class StatsBook {
  put = 0
  stored = 0
  delivered = 0
  published = 0
  publishSkipped = 0
  forks = 0
  gapDropped = 0
  listenerErrors = 0
  /** Control records of a kind (key grants, membership changes) that were dropped as invalid. */
  controlDropped = 0
  /** Entries whose payload could not be opened and were dropped. */
  undecryptable = 0
  /** Stored records found missing, undecodable or not matching their id (quarantined; others' are repaired from peers). */
  corruptRecords = 0
  readonly rejects: Record<RejectReason, number>
  readonly sync: SyncStats = { sessions: 0, failed: 0, refused: 0, batchesSent: 0, batchesReceived: 0, entriesSent: 0, entriesReceived: 0, authorsSkipped: 0, headMismatches: 0, bytesSent: 0, bytesReceived: 0 }

  constructor () {
    this.rejects = Object.fromEntries(REJECT_REASONS.map(r => [r, 0])) as Record<RejectReason, number>
  }

  reject (reason: RejectReason): void {
    this.rejects[reason]++
  }

  snapshot (extra: { gapBuffered: number, commits: number, commitOps: number, commitQueued: { ops: number, bytes: number }, storageErrors: number }): NodeStats {
    const rejects = { ...this.rejects }
    return {
      put: this.put,
      stored: this.stored,
      delivered: this.delivered,
      published: this.published,
      publishSkipped: this.publishSkipped,
      rejected: Object.values(rejects).reduce((a, b) => a + b, 0),
      rejects,
      forks: this.forks,
      gapBuffered: extra.gapBuffered,
      gapDropped: this.gapDropped,
      listenerErrors: this.listenerErrors,
      controlDropped: this.controlDropped,
      undecryptable: this.undecryptable,
      corruptRecords: this.corruptRecords,
      commits: extra.commits,
      commitOps: extra.commitOps,
      commitQueued: { ...extra.commitQueued },
      storageErrors: extra.storageErrors,
      sync: { ...this.sync }
    }
  }
}
