import { pb, toHex } from './bytes.js'
import { attachSignature, encodeUnsigned, ENTRY_VERSION, entryIdOfUnsigned, rememberEntryId, signingBytes } from './entry-codec.js'
import type { UnsignedEntry } from './entry-codec.js'
import type { HlcTime } from './hlc.js'
import type { LocalIdentity } from '@pipes/identity'

/** Fields of a new entry that differ between pipelines and puts. */
export interface NewEntryFields {
  network: string
  pipeline: string
  seq: number
  prev: Uint8Array
  time: HlcTime
  flags: number
  keyEpoch: number
  payload: Uint8Array
}

/** An entry built but not yet signed: its id is known, so the next entry can link to it at once. */
export interface PreparedEntry {
  /** The fields encoded (what decoding the wire bytes would give). */
  entry: UnsignedEntry
  unsigned: Uint8Array
  id: Uint8Array
  idHex: string
}

/** Encodes an entry of ours and computes its id (no signature yet). */
export function prepareEntry (identity: LocalIdentity, f: NewEntryFields): PreparedEntry {
  const entry: UnsignedEntry = {
    version: ENTRY_VERSION,
    network: f.network,
    pipeline: f.pipeline,
    author: pb(identity.publicKey),
    authorName: identity.name,
    nameSignature: pb(identity.nameSignature),
    seq: f.seq,
    prev: pb(f.prev),
    time: f.time.time,
    counter: f.time.counter,
    flags: f.flags,
    keyEpoch: f.keyEpoch,
    payload: pb(f.payload)
  }
  const unsigned = encodeUnsigned(entry)
  const id = entryIdOfUnsigned(unsigned)
  return { entry, unsigned, id, idHex: toHex(id) }
}

/** Signs a prepared entry: its wire bytes. Signatures of many entries may be made at once. */
export async function signEntry (identity: LocalIdentity, prepared: PreparedEntry): Promise<Uint8Array> {
  const signature = await identity.sign(signingBytes(prepared.unsigned))
  const wire = attachSignature(prepared.unsigned, signature)
  rememberEntryId(wire, prepared.id)
  return wire
}
