import { pb, toHex } from './bytes.js'
import { decodeWire } from './entry-codec.js'
import { verifyEntry } from './entry-verify.js'
import type { NodeContext } from './context.js'
import type { AuthorState, EntryStore, StoredEntry } from './entry-store.js'
import type { AuthorHead } from './sync.pb.js'

/** Limits of what one sync batch carries. */
export interface BatchLimits {
  maxEntries: number
  maxBytes: number
}

/** What serving a peer needs from its pipeline. */
export interface ServingHost {
  readonly ctx: NodeContext
  readonly store: EntryStore
  closed (): boolean
}

/** Our version vector: for each author, the durable contiguous seq and its head. */
export function vectorOf (store: EntryStore): AuthorHead[] {
  const heads: AuthorHead[] = []
  for (const s of store.authors()) {
    if (s.durableSeq > 0) heads.push({ author: pb(s.author), seq: s.durableSeq, head: pb(s.durableHead) })
  }
  return heads
}

/**
 * What a peer with vector `remote` lacks, as batches of wire entries (one
 * author each, ascending). Every batch ends with an entry whose own
 * signature we checked, so the receiver can check the batch with it.
 *
 * A peer head that differs from our entry at its seq (at any seq we hold,
 * the same as our head's or below) is only an unsigned claim, so it raises
 * no fork here: it is counted (`sync.headMismatches`) and we send our signed
 * entry at that seq instead. A peer that holds another signed entry there
 * then sees the fork from two signed entries and reports it.
 */
export async function * missingBatches (host: ServingHost, remote: AuthorHead[], limits: BatchLimits): AsyncIterable<Uint8Array[]> {
  const { ctx, store } = host
  const theirs = new Map<string, AuthorHead>()
  for (const h of remote) theirs.set(toHex(h.author), h)
  for (const state of [...store.authors()]) {
    const known = theirs.get(state.authorHex)
    let next = (known?.seq ?? 0) + 1
    if (known !== undefined && known.seq > 0 && known.seq <= state.durableSeq) {
      const ours = await store.idAt(state, known.seq)
      if (ours !== undefined && ours !== toHex(known.head)) {
        ctx.stats.sync.headMismatches++
        // entries after it would not link on the peer's side: our entry at that seq is all it needs
        const batch = await endOnChecked(ctx, store, state, await store.read(state, known.seq, known.seq))
        if (batch.length > 0 && !host.closed()) yield batch.map(e => e.wire)
        continue
      }
    }
    if (next > state.durableSeq) continue
    // the front of this log was dropped (mailbox expiry): a peer behind it is served only from a checkpoint it was sent
    if (next <= state.floor) continue
    while (next <= state.durableSeq && !host.closed()) {
      const chunk = await store.read(state, next, Math.min(state.durableSeq, next + limits.maxEntries - 1))
      let bytes = 0
      let count = 0
      for (const e of chunk) {
        if (count > 0 && bytes + e.wire.length > limits.maxBytes) break
        bytes += e.wire.length
        count++
      }
      const batch = await endOnChecked(ctx, store, state, chunk.slice(0, count))
      if (batch.length === 0) break
      yield batch.map(e => e.wire)
      next = (batch[batch.length - 1] as StoredEntry).seq + 1
    }
  }
}

/** Trims a batch so it ends on an entry whose signature is checked (checking it now if needed). */
async function endOnChecked (ctx: NodeContext, store: EntryStore, state: AuthorState, batch: StoredEntry[]): Promise<StoredEntry[]> {
  while (batch.length > 0) {
    const last = batch[batch.length - 1] as StoredEntry
    if (last.checked) return batch
    const w = decodeWire(last.wire, last.id)
    if (w !== undefined && typeof (await verifyEntry(w, ctx.identities)) !== 'string') {
      await store.markChecked(state, last).catch(() => {})
      return batch
    }
    batch = batch.slice(0, -1)
  }
  return batch
}
