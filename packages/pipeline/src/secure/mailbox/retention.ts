import { InvalidPipelineArgumentError } from '../../errors.js'

/** Default retention of mailbox envelopes: 14 days. */
export const DEFAULT_MAILBOX_RETENTION_MS = 14 * 24 * 60 * 60 * 1000
/** Default most envelopes one author may have in a node's mailbox at a time. */
export const DEFAULT_MAILBOX_ENTRIES_PER_AUTHOR = 10_000
/** Default most envelope bytes one author may have in a node's mailbox at a time: 64 MiB. */
export const DEFAULT_MAILBOX_BYTES_PER_AUTHOR = 64 * 1024 * 1024
/** Default most envelope bytes in a node's mailbox in all: 1 GiB. */
export const DEFAULT_MAILBOX_BYTES = 1024 * 1024 * 1024

/**
 * What a node keeps of the network-wide mailbox (`createPipesNode({ mailbox })`).
 * An author's envelopes are held for `retentionMs` after they were written
 * (their signed time); within that window a node holds at most
 * `maxEntriesPerAuthor` envelopes and `maxBytesPerAuthor` bytes of one
 * author, and `maxBytes` in all. Input over a quota is dropped and counted.
 */
export interface MailboxOptions {
  /** How long envelopes are kept after they were written, in ms; default 14 days. */
  retentionMs?: number
  /** Most envelopes of one author held at a time; default 10,000. */
  maxEntriesPerAuthor?: number
  /** Most envelope (payload) bytes of one author held at a time; default 64 MiB. */
  maxBytesPerAuthor?: number
  /** Most envelope bytes held in all; default 1 GiB. */
  maxBytes?: number
  /** How often expired envelopes are looked for, in ms; default a quarter of the retention, at most 1 hour. */
  sweepIntervalMs?: number
  /** The clock expiry is measured by, in ms since the epoch; default `Date.now` (tests move it). */
  now?: () => number
  /**
   * Publish a signed prekey in our mailbox log with our first point-to-point
   * pipeline (and again every half retention), so peers' first envelopes to
   * us are forward secret; default true. With false, a peer's first flight
   * is sealed to our identity key.
   */
  prekeys?: boolean
}

/** {@link MailboxOptions} with every default filled in. */
export interface MailboxConfig {
  retentionMs: number
  maxEntriesPerAuthor: number
  maxBytesPerAuthor: number
  maxBytes: number
  sweepIntervalMs: number
  now: () => number
  prekeys: boolean
}

/**
 * Checks and completes the `mailbox` option of a node.
 * @throws {@link InvalidPipelineArgumentError} when a field has the wrong type or range
 */
export function mailboxConfig (options: MailboxOptions | undefined): MailboxConfig {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new InvalidPipelineArgumentError('createPipesNode: mailbox must be an object { retentionMs?, maxEntriesPerAuthor?, maxBytesPerAuthor?, maxBytes?, sweepIntervalMs?, prekeys? }')
  const o = options ?? {}
  const retentionMs = positive(o.retentionMs, DEFAULT_MAILBOX_RETENTION_MS, 'retentionMs')
  const now = o.now ?? Date.now
  if (typeof now !== 'function') throw new InvalidPipelineArgumentError('createPipesNode: mailbox.now must be a function returning ms since the epoch')
  if (o.prekeys !== undefined && typeof o.prekeys !== 'boolean') throw new InvalidPipelineArgumentError('createPipesNode: mailbox.prekeys must be true or false')
  return {
    retentionMs,
    maxEntriesPerAuthor: positive(o.maxEntriesPerAuthor, DEFAULT_MAILBOX_ENTRIES_PER_AUTHOR, 'maxEntriesPerAuthor'),
    maxBytesPerAuthor: positive(o.maxBytesPerAuthor, DEFAULT_MAILBOX_BYTES_PER_AUTHOR, 'maxBytesPerAuthor'),
    maxBytes: positive(o.maxBytes, DEFAULT_MAILBOX_BYTES, 'maxBytes'),
    sweepIntervalMs: positive(o.sweepIntervalMs, Math.min(60 * 60 * 1000, Math.max(1, Math.floor(retentionMs / 4))), 'sweepIntervalMs'),
    now,
    prekeys: o.prekeys ?? true
  }
}

function positive (value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new InvalidPipelineArgumentError(`createPipesNode: mailbox.${what} must be a positive integer, got ${String(value)}`)
  return value
}

/**
 * One author's envelopes held in the mailbox (seq `base` on, contiguous):
 * their signed times and payload sizes, for the quotas and for expiry.
 * Entries count from the moment they are taken (before their commit lands).
 */
export class AuthorUsage {
  /** Seq of `times[0]`. */
  base: number
  readonly times: number[] = []
  readonly sizes: number[] = []
  bytes = 0

  constructor (base: number) {
    this.base = base
  }

  get entries (): number { return this.times.length }

  /** Highest seq recorded (base - 1 when none). */
  get top (): number { return this.base + this.times.length - 1 }

  /** Records the entry at `seq` (replacing what a failed put left there). */
  set (seq: number, time: number, size: number): void {
    const i = seq - this.base
    if (i < 0) return
    if (i < this.times.length) {
      this.bytes += size - (this.sizes[i] as number)
      this.times[i] = time
      this.sizes[i] = size
      return
    }
    // entries are taken in seq order; a hole would only come from a put that failed before it was recorded
    while (this.times.length < i) { this.times.push(time); this.sizes.push(0) }
    this.times.push(time)
    this.sizes.push(size)
    this.bytes += size
  }

  /** Forgets entries up to `seq` (dropped from the front). Returns the bytes freed. */
  dropTo (seq: number): number {
    const n = Math.min(this.times.length, seq - this.base + 1)
    if (n <= 0) return 0
    let freed = 0
    for (let i = 0; i < n; i++) freed += this.sizes[i] as number
    this.times.splice(0, n)
    this.sizes.splice(0, n)
    this.base += n
    this.bytes -= freed
    return freed
  }

  /** Forgets entries after `seq` (a failed commit rolled them back). Returns the bytes freed. */
  truncate (seq: number): number {
    const keep = Math.max(0, seq - this.base + 1)
    if (keep >= this.times.length) return 0
    let freed = 0
    for (let i = keep; i < this.sizes.length; i++) freed += this.sizes[i] as number
    this.times.length = keep
    this.sizes.length = keep
    this.bytes -= freed
    return freed
  }

  /** Highest seq whose entry and every one before it (from `base`) has a time before `cutoff`; base - 1 when none. */
  expiredThrough (cutoff: number): number {
    let i = 0
    while (i < this.times.length && (this.times[i] as number) < cutoff) i++
    return this.base + i - 1
  }
}
