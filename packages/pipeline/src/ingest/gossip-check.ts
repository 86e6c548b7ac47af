import { ownBytes } from '../bytes.js'
import { decodeWire } from '../entry-codec.js'
import { ENTRY_OVERHEAD_BYTES, checkEntryShape } from '../entry-rules.js'
import { verifyEntry } from '../entry-verify.js'
import type { NodeContext } from '../context.js'
import type { WireEntry } from '../entry-codec.js'
import type { EntryRules } from '../entry-rules.js'
import type { VerifiedEntry } from '../entry-verify.js'
import type { RejectReason } from '../reject-reasons.js'
import type { TransportMessage, Validation } from '@pipes/transport'

/** What a kind remembers of the entries it saw lately, so a repeat is answered before its signature is checked. */
export interface SeenLately {
  /** The answer for an entry seen lately: a refusal (counted again), `ignore`, or undefined for an entry not seen. */
  seen (w: WireEntry): RejectReason | 'ignore' | undefined
  /** An entry failed verification for `reason` (remember it, if the kind keeps forgeries). */
  forged? (w: WireEntry, reason: RejectReason): void
}

/**
 * The checks every gossiped entry goes through, cheapest refusals first:
 * size, decode, seen lately, shape and time, signatures. Returns the
 * verified entry, or the answer for gossipsub with the refusal counted.
 * `reject` (which costs the forwarding peer gossipsub score) is kept for
 * input that is forged or malformed, which no honest relay forwards; an
 * entry signed with a time ahead of ours is counted and answered `ignore`.
 */
export async function checkGossip (msg: TransportMessage, rules: EntryRules, ctx: NodeContext, lately: SeenLately): Promise<VerifiedEntry | Validation> {
  const reject = (reason: RejectReason): Validation => {
    ctx.reject(reason, rules.pipeline, msg.from)
    return 'reject'
  }
  if (msg.data.length > rules.maxPayloadBytes + ENTRY_OVERHEAD_BYTES) return reject('too-large')
  // gossip data is a view into its transport frame: copy, so what is kept (held, gap buffer) pins only itself
  const w = decodeWire(ownBytes(msg.data))
  if (w === undefined) return reject('malformed')
  const known = lately.seen(w)
  if (known === 'ignore') return 'ignore'
  if (known !== undefined) return reject(known)
  const bad = checkEntryShape(w.entry, rules, Date.now())
  if (bad === 'future-time') {
    // signed input an honest relay may forward: counted, not charged to the relay
    ctx.reject(bad, rules.pipeline, msg.from)
    return 'ignore'
  }
  if (bad !== undefined) return reject(bad)
  const v = await verifyEntry(w, ctx.identities)
  if (typeof v === 'string') {
    lately.forged?.(w, v)
    return reject(v)
  }
  return v
}
