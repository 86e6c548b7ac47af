/**
 * Why an entry or a sync frame from the network was refused. Every refusal
 * is counted under its reason in `node.stats().rejects`.
 */
export type RejectReason =
  /** Not an entry at all, or a field of the wrong shape (lengths, seq, prev, name). */
  | 'malformed'
  /** An entry format version this library does not read. */
  | 'unsupported-version'
  /** Over the pipeline's size limit. */
  | 'too-large'
  /** Signed for another network. */
  | 'wrong-network'
  /** Signed for another pipeline than the one it arrived on. */
  | 'wrong-pipeline'
  /** Its kind flags (persistent, encrypted, point-to-point) do not match the pipeline. */
  | 'wrong-kind'
  /** The ed25519 signature does not verify. */
  | 'bad-signature'
  /** The author's name signature does not verify. */
  | 'bad-name'
  /** Its time is further in the future than the allowed clock skew. */
  | 'future-time'
  /** Its `prev` hash does not link to the author's previous entry. */
  | 'bad-chain'
  /** Same author and seq as a stored entry, different content. */
  | 'fork'
  /** A sync frame that does not decode or breaks the protocol. */
  | 'sync-malformed'
  /** A sync request or batch over the protocol's limits. */
  | 'sync-too-much'

/** Every reason, for zero-filled counters. */
export const REJECT_REASONS: readonly RejectReason[] = [
  'malformed', 'unsupported-version', 'too-large', 'wrong-network', 'wrong-pipeline', 'wrong-kind',
  'bad-signature', 'bad-name', 'future-time', 'bad-chain', 'fork', 'sync-malformed', 'sync-too-much'
]
