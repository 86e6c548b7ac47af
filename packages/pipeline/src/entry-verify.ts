import { verify } from '@pipes/identity'
import { sameBytes } from './bytes.js'
import { signingBytes } from './entry-codec.js'
import type { WireEntry } from './entry-codec.js'
import type { IdentityCache } from './identity-cache.js'
import type { RejectReason } from './reject-reasons.js'
import type { Identity } from '@pipes/identity'

/** An entry whose author and content are authenticated. */
export interface VerifiedEntry extends WireEntry {
  sender: Identity
  /** True when this entry's own signature was checked; false when it is authenticated through the hash chain of a later entry. */
  checked: boolean
}

async function senderOf (w: WireEntry, identities: IdentityCache): Promise<Identity | undefined> {
  return await identities.get(w.entry.author, w.entry.authorName, w.entry.nameSignature)
}

async function signatureOk (w: WireEntry): Promise<boolean> {
  try {
    return await verify(w.entry.author, signingBytes(w.unsigned), w.signature)
  } catch {
    return false
  }
}

/** A verified entry, built field by field (one object shape; a spread per entry costs more on a sync batch). */
function verified (w: WireEntry, sender: Identity, checked: boolean): VerifiedEntry {
  return { entry: w.entry, signature: w.signature, wire: w.wire, unsigned: w.unsigned, id: w.id, idHex: w.idHex, sender, checked }
}

/** Checks one entry's name signature and signature. */
export async function verifyEntry (w: WireEntry, identities: IdentityCache): Promise<VerifiedEntry | RejectReason> {
  const [sender, ok] = await Promise.all([senderOf(w, identities), signatureOk(w)])
  if (!ok) return 'bad-signature'
  if (sender === undefined) return 'bad-name'
  return verified(w, sender, true)
}

/**
 * Checks a run of one author's consecutive entries with one signature: each
 * entry's `prev` must be the id of the one before it, so the signature of
 * the last entry authenticates them all. Each distinct name signature is
 * checked once (through the cache).
 */
export async function verifyRun (run: WireEntry[], identities: IdentityCache): Promise<VerifiedEntry[] | RejectReason> {
  const last = run[run.length - 1]
  const first = run[0]
  if (first === undefined || last === undefined) return 'sync-malformed'
  for (let i = 1; i < run.length; i++) {
    const prev = run[i - 1] as WireEntry
    const cur = run[i] as WireEntry
    if (!sameBytes(cur.entry.author, first.entry.author) || cur.entry.seq !== prev.entry.seq + 1) return 'sync-malformed'
    if (!sameBytes(cur.entry.prev, prev.id)) return 'bad-chain'
  }
  if (!(await signatureOk(last))) return 'bad-signature'
  // an author's name rarely changes within a run: check each distinct name once
  const out: VerifiedEntry[] = []
  let sender: Identity | undefined
  let named: WireEntry | undefined
  for (let i = 0; i < run.length; i++) {
    const w = run[i] as WireEntry
    if (named === undefined || w.entry.authorName !== named.entry.authorName || !sameBytes(w.entry.nameSignature, named.entry.nameSignature)) {
      sender = await senderOf(w, identities)
      named = w
    }
    if (sender === undefined) return 'bad-name'
    out.push(verified(w, sender, i === run.length - 1))
  }
  return out
}
