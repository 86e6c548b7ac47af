import { waitFor } from '@pipes/testkit'
import { topicFor } from '@pipes/transport'
import { bytesToHex } from '@pipes/identity'
import { decodeEntry, MAILBOX_PIPELINE } from '../../src/index.js'
import { decodeWire } from '../../src/entry-codec.js'
import { PREKEY_RECORD_BYTES } from '../../src/secure/prekeys.js'
import { connect, dec, startNode } from '../helpers.js'
import type { DecodedEntry, EncryptedPipeline, Packet } from '../../src/index.js'
import type { SealedEntry } from '../../src/secure/encrypted-codec.js'
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

/** Collects the text of every packet a pipeline delivers. */
export function collect (p: EncryptedPipeline): string[] {
  const got: string[] = []
  p.addPacketListener((packet: Packet) => { got.push(dec(packet.data)) })
  return got
}

/** Waits until `p` is in `epoch` and holds its key. */
export async function hasEpoch (p: EncryptedPipeline, epoch: number, who: string): Promise<void> {
  await waitFor(() => p.epoch === epoch && p.hasKey, { timeout: 20_000, message: `${who} holds the key of epoch ${epoch}` })
}

/** Starts one node per name on `network`, connects every pair, and adds them to `running` (stopped by the caller). */
export async function startMesh (network: string, names: string[], running: TestNode[]): Promise<TestNode[]> {
  const nodes: TestNode[] = []
  for (const name of names) {
    const n = await startNode({ network, name })
    nodes.push(n)
    running.push(n)
  }
  for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) await connect(nodes[i] as TestNode, nodes[j] as TestNode)
  return nodes
}

/** A room `name` owned by alice with bob and dave as members, each node connected to the others, both holding the epoch-1 key. */
export async function aliceBobDave (network: string, name: string, running: TestNode[]) {
  const [a, b, d] = await startMesh(network, ['alice', 'bob', 'dave'], running) as [TestNode, TestNode, TestNode]
  const pa = a.node.createPipeline({ name, persistent: true, encrypted: { members: [b.identity.public(), d.identity.public()] } })
  const pb = b.node.createPipeline({ name, persistent: true, encrypted: { owner: a.identity.id } })
  const pd = d.node.createPipeline({ name, persistent: true, encrypted: { owner: a.identity.id } })
  const got = { a: collect(pa), b: collect(pb), d: collect(pd) }
  await hasEpoch(pb, 1, 'bob')
  await hasEpoch(pd, 1, 'dave')
  return { a, b, d, pa, pb, pd, got }
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
