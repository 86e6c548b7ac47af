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
  /** Authors lacking at most one read's worth, read together with one datastore read: [state, from, to]. */
  let group: Array<[AuthorState, number, number]> = []
  let grouped = 0
  const readGroup = async function * (): AsyncIterable<Uint8Array[]> {
    const ranges = group
    group = []
    grouped = 0
    const chunks = await store.readMany(ranges)
    for (let i = 0; i < ranges.length && !host.closed(); i++) {
      yield * batchesOf(ctx, store, (ranges[i] as [AuthorState, number, number])[0], chunks[i] as StoredEntry[], limits, host)
    }
  }
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
    if (next > state.durableSeq || host.closed()) continue
    // the front of this log was dropped (mailbox expiry): a peer behind it is served only from a checkpoint it was sent
    if (next <= state.floor) continue
    const lacking = state.durableSeq - next + 1
    if (lacking <= limits.maxEntries) {
      group.push([state, next, state.durableSeq])
      grouped += lacking
      if (grouped >= limits.maxEntries) yield * readGroup()
      continue
    }
    while (next <= state.durableSeq && !host.closed()) {
      const chunk = await store.read(state, next, Math.min(state.durableSeq, next + limits.maxEntries - 1))
      let sent = 0
      for await (const batch of batchesOf(ctx, store, state, chunk, limits, host)) {
        sent += batch.length
        yield batch
      }
      // nothing sendable (a bad record, an entry whose signature fails): this author ends here
      if (sent === 0) break
      next += sent
    }
  }
  if (group.length > 0 && !host.closed()) yield * readGroup()
}

/** Splits a run of one author's stored entries into batches within `limits`, each ending on a checked entry; stops where one cannot. */
async function * batchesOf (ctx: NodeContext, store: EntryStore, state: AuthorState, chunk: StoredEntry[], limits: BatchLimits, host: ServingHost): AsyncIterable<Uint8Array[]> {
  let at = 0
  while (at < chunk.length && !host.closed()) {
    let bytes = 0
    let count = 0
    for (let i = at; i < chunk.length && count < limits.maxEntries; i++) {
      const e = chunk[i] as StoredEntry
      if (count > 0 && bytes + e.wire.length > limits.maxBytes) break
      bytes += e.wire.length
      count++
    }
    const batch = await endOnChecked(ctx, store, state, chunk.slice(at, at + count))
    if (batch.length === 0) return
    yield batch.map(e => e.wire)
    at += batch.length
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
