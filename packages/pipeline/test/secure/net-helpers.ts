import { waitFor } from '@pipes/testkit'
import { topicFor } from '@pipes/transport'
import { bytesToHex } from '@pipes/identity'
import { MAILBOX_PIPELINE } from '../../src/index.js'
import { decodeWire } from '../../src/entry-codec.js'
import { PREKEY_RECORD_BYTES } from '../../src/secure/prekeys.js'
import type { SealedEntry } from '../../src/secure/encrypted-codec.js'
import { connect, startNode } from '../helpers.js'
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

/**
 * alice and bob, both connected to carol only (pushed to `running` to be
 * stopped); `seenByC` collects every mailbox message carol receives on gossip.
 */
export async function triangle (net: string, running: TestNode[]): Promise<{ a: TestNode, b: TestNode, c: TestNode, seenByC: Uint8Array[] }> {
  const a = await startNode({ network: net, name: 'alice' })
  const b = await startNode({ network: net, name: 'bob' })
  const c = await startNode({ network: net, name: 'carol' })
  running.push(a, b, c)
  await connect(a, c)
  await connect(b, c)
  const seenByC: Uint8Array[] = []
  c.transport.subscribe(topicFor(net, MAILBOX_PIPELINE), (msg) => { seenByC.push(msg.data) })
  return { a, b, c, seenByC }
}

/** The point-to-point envelopes a node stores in its mailbox (prekey records left out), read from its datastore. */
export async function storedEnvelopes (datastore: Datastore): Promise<SealedEntry[]> {
  const out: SealedEntry[] = []
  for await (const { value } of datastore.query({ prefix: `/pipes/log/${bytesToHex(new TextEncoder().encode(MAILBOX_PIPELINE))}/e/` })) {
    // a stored record: a flag byte and the 32-byte id, then the wire entry
    const entry = decodeWire(value.subarray(33))?.entry
    if (entry !== undefined && entry.payload.length !== PREKEY_RECORD_BYTES) out.push(entry)
  }
  return out
}
