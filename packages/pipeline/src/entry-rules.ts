import { MAX_NAME_BYTES } from '@pipes/identity'
import { utf8 } from './bytes.js'
import { ENTRY_ID_BYTES, ENTRY_VERSION, FLAG_ENCRYPTED, KNOWN_FLAGS } from './entry-codec.js'
import type { UnsignedEntry } from './entry-codec.js'
import type { RejectReason } from './reject-reasons.js'

/** What an entry must match to belong to a pipeline. */
export interface EntryRules {
  network: string
  pipeline: string
  /** The pipeline's kind flags; an entry must carry exactly these. */
  flags: number
  /** Largest payload accepted, in bytes. */
  maxPayloadBytes: number
  /** How far an entry's time may be ahead of our clock, in ms. */
  maxClockSkewMs: number
  /** Whether entries link to their predecessor (`prev`); persistent pipelines chain, live ones do not. */
  chained: boolean
}

/** Bytes an entry may take beyond its payload (keys, names, signatures, varints). */
export const ENTRY_OVERHEAD_BYTES = 1024

/**
 * Checks every field of a decoded entry against the pipeline's rules (no
 * cryptography: see `verifyEntry`). Returns the reason to refuse it, or
 * undefined when its shape is right.
 */
export function checkEntryShape (entry: UnsignedEntry, rules: EntryRules, now: number): RejectReason | undefined {
  if (entry.version !== ENTRY_VERSION) return 'unsupported-version'
  if (entry.network !== rules.network) return 'wrong-network'
  if (entry.pipeline !== rules.pipeline) return 'wrong-pipeline'
  if ((entry.flags & ~KNOWN_FLAGS) !== 0) return 'malformed'
  if (entry.flags !== rules.flags) return 'wrong-kind'
  if (entry.author.length !== 32 || entry.nameSignature.length !== 64) return 'malformed'
  // UTF-8 bytes, as identity's rule counts them (`.length` counts UTF-16 units).
  const nameBytes = utf8(entry.authorName).length
  if (nameBytes === 0 || nameBytes > MAX_NAME_BYTES) return 'malformed'
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) return 'malformed'
  if (rules.chained) {
    if (entry.seq === 1 ? entry.prev.length !== 0 : entry.prev.length !== ENTRY_ID_BYTES) return 'malformed'
  } else if (entry.prev.length !== 0) {
    return 'malformed'
  }
  if (!Number.isSafeInteger(entry.time) || entry.time <= 0) return 'malformed'
  if (entry.time > now + rules.maxClockSkewMs) return 'future-time'
  if ((rules.flags & FLAG_ENCRYPTED) === 0 && entry.keyEpoch !== 0) return 'malformed'
  if (entry.payload.length > rules.maxPayloadBytes) return 'too-large'
  return undefined
}
