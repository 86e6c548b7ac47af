import { waitFor } from '@pipes/testkit'
import { decodeEntry } from '../../src/index.js'
import type { DecodedEntry } from '../../src/index.js'
import type { TestNode } from '../helpers.js'
import type { Datastore } from 'interface-datastore'

/** Every key and value of a datastore, scanned for `marker` (as UTF-8). Returns the number of hits. */
export async function countMarker (datastore: Datastore, marker: string): Promise<{ hits: number, records: number }> {
  const needle = Buffer.from(marker)
  let hits = 0
  let records = 0
  for await (const { key, value } of datastore.query({})) {
    records++
    if (Buffer.from(key.toString()).includes(needle) || Buffer.from(value).includes(needle)) hits++
  }
  return { hits, records }
}

/** Hits of `marker` in a list of byte arrays. */
export function countIn (chunks: Uint8Array[], marker: string): number {
  const needle = Buffer.from(marker)
  return chunks.filter(c => Buffer.from(c).includes(needle)).length
}

/** Waits until `node` stores at least `count` entries in total (own and received). */
export async function waitStored (node: TestNode, count: number, message: string, timeout = 20_000): Promise<void> {
  await waitFor(() => node.node.stats().stored >= count, { timeout, message })
}

/** Every entry of `pipeline` in a node's datastore, decoded, with its wire (a stored record is a flag byte, the 32-byte id, then the wire). */
export async function storedEntries (datastore: Datastore, pipeline: string): Promise<Array<DecodedEntry & { wire: Uint8Array }>> {
  const out: Array<DecodedEntry & { wire: Uint8Array }> = []
  for await (const { value } of datastore.query({})) {
    if (value.length <= 33) continue
    const wire = value.subarray(33)
    const e = decodeEntry(wire)
    if (e?.pipeline === pipeline) out.push({ ...e, wire })
  }
  return out
}
