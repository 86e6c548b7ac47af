import { decodeStored } from '../delivery.js'
import { InvalidPipelineArgumentError } from '../errors.js'
import { pageLimit } from './time-index.js'
import type { Deliverable } from '../delivery.js'
import type { AuthorState, EntryStore } from '../entry-store.js'
import type { Packet } from '../types.js'
import type { HistoryOptions, IndexedEntry, TimeIndex } from './time-index.js'

/**
 * One page of a stored pipeline's history: the index gives the next entries
 * in time order, one `getMany` reads them, and what becomes a packet is
 * yielded (records of the kind and payloads that cannot be opened are not
 * packets: the index is read on until the page is full or ends). Entries
 * the log no longer holds (its dropped front) are skipped and their index
 * keys dropped.
 * @throws {@link InvalidPipelineArgumentError} for options that are not an object or out of range
 */
export async function * historyPage (
  index: TimeIndex, store: EntryStore, options: HistoryOptions, toPacket: (d: Deliverable) => Promise<Packet | 'skip' | 'wait'>
): AsyncIterable<Packet> {
  if (options === null || typeof options !== 'object') throw new InvalidPipelineArgumentError('history(options) takes { before?, after?, limit?, reverse? }')
  const limit = pageLimit(options.limit)
  const stale: IndexedEntry[] = []
  let given = 0
  let from: string | undefined
  try {
    while (given < limit) {
      const want = limit - given
      const rows = await index.page(options, want, from)
      const last = rows[rows.length - 1]
      if (last === undefined) break
      from = last.key
      const held: Array<[IndexedEntry, AuthorState]> = []
      for (const row of rows) {
        const state = store.get(row.authorHex)
        if (state === undefined || row.seq <= state.floor) stale.push(row)
        else held.push([row, state])
      }
      const read = await store.readMany(held.map(([row, state]) => [state, row.seq, row.seq] as const))
      for (const entries of read) {
        for (const d of decodeStored(entries)) {
          const packet = await toPacket(d)
          if (typeof packet === 'string') continue
          given++
          yield packet
        }
      }
      if (rows.length < want) break
    }
  } finally {
    index.forget(stale).catch(() => {})
  }
}
