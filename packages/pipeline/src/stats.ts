import { REJECT_REASONS } from './reject-reasons.js'
import type { RejectReason } from './reject-reasons.js'
import type { MailboxStats, NodeStats, SyncStats } from './types.js'
import type { SyncActivity } from './sync-scheduler.js'

/** The mutable counters behind `node.stats()`. */
export class StatsBook {
  put = 0
  stored = 0
  delivered = 0
  published = 0
  publishSkipped = 0
  forks = 0
  gapDropped = 0
  /** Bytes held in memory for delivery, over every pipeline (a gauge the deliveries move). */
  heldBytes = 0
  /** Stored entries not held for delivery because a held budget was full (read back from the store instead). */
  heldSkipped = 0
  /** Held entries let go of after the held TTL (they wait in the store). */
  heldExpired = 0
  /** Entries dropped from the gap buffer after waiting longer than the gap TTL (sync fetches them again). */
  gapExpired = 0
  listenerErrors = 0
  /** Control records of a kind (key grants, membership changes) that were dropped as invalid. */
  controlDropped = 0
  /** Entries whose payload could not be opened and were dropped. */
  undecryptable = 0
  /** Encrypted entries written by a member after its removal: dropped. */
  removedWrites = 0
  /** Encrypted entries naming a control record this node had not applied (its view was stale), reported once each. */
  staleViews = 0
  /** Encrypted entries written under an older epoch from a view behind this node's, reported once per author and record. */
  staleAuthors = 0
  /** Stored records found missing, undecodable or not matching their id (quarantined; others' are repaired from peers). */
  corruptRecords = 0
  readonly rejects: Record<RejectReason, number>
  /** Mailbox counters; what is held now is filled in by the node. */
  readonly mailbox: Omit<MailboxStats, 'authors' | 'entries' | 'bytes'> = { overQuota: 0, expired: 0, checkpointsSigned: 0, checkpointsTaken: 0, checkpointsDropped: 0, rebased: 0, directPushes: 0 }
  readonly sync: Omit<SyncStats, 'running' | 'scheduled'> = { sessions: 0, failed: 0, refused: 0, batchesSent: 0, batchesReceived: 0, entriesSent: 0, entriesReceived: 0, authorsSkipped: 0, headMismatches: 0, bytesSent: 0, bytesReceived: 0 }

  constructor () {
    this.rejects = Object.fromEntries(REJECT_REASONS.map(r => [r, 0])) as Record<RejectReason, number>
  }

  reject (reason: RejectReason): void {
    this.rejects[reason]++
  }

  snapshot (extra: { gapBuffered: number, commits: number, commitOps: number, commitQueued: { ops: number, bytes: number }, storageErrors: number, sessions: SyncActivity, mailboxHeld: { authors: number, entries: number, bytes: number } }): NodeStats {
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
      heldBytes: this.heldBytes,
      heldSkipped: this.heldSkipped,
      heldExpired: this.heldExpired,
      gapExpired: this.gapExpired,
      listenerErrors: this.listenerErrors,
      controlDropped: this.controlDropped,
      undecryptable: this.undecryptable,
      removedWrites: this.removedWrites,
      staleViews: this.staleViews,
      staleAuthors: this.staleAuthors,
      corruptRecords: this.corruptRecords,
      commits: extra.commits,
      commitOps: extra.commitOps,
      commitQueued: { ...extra.commitQueued },
      storageErrors: extra.storageErrors,
      sync: { ...this.sync, running: extra.sessions.outbound + extra.sessions.inbound, scheduled: extra.sessions.scheduled },
      mailbox: { ...this.mailbox, ...extra.mailboxHeld }
    }
  }
}
