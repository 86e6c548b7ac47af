import { concat, toHex, utf8 } from './bytes.js'
import { Entry } from './entry.pb.js'
import { sha256 } from './sha256.js'

/** The entry format version this library writes and reads. */
export const ENTRY_VERSION = 1

/** Flag bit: the entry belongs to a persistent (stored and synced) pipeline. */
export const FLAG_PERSISTENT = 1
/** Flag bit: the payload is encrypted under the pipeline key of `keyEpoch`. */
export const FLAG_ENCRYPTED = 2
/** Flag bit: the entry travels point-to-point to one identity. */
export const FLAG_POINT_TO_POINT = 4
/** Every flag bit this version knows; an entry with another bit set is malformed. */
export const KNOWN_FLAGS = FLAG_PERSISTENT | FLAG_ENCRYPTED | FLAG_POINT_TO_POINT

/** Length of an entry id (sha256). */
export const ENTRY_ID_BYTES = 32
/** Field 15, wire type 2: the tag byte of the signature field. */
const SIGNATURE_TAG = (15 << 3) | 2
const SIGNATURE_BYTES = 64
/** The signature field as it ends every entry: tag, length, 64 bytes. */
const SIGNATURE_FIELD_BYTES = 2 + SIGNATURE_BYTES

/**
 * Domain tag in front of the signed bytes: a signature over an entry can
 * never be taken for a signature over anything else the key signs (names,
 * other protocols). Network and pipeline are fields of the signed bytes.
 */
const SIGNING_DOMAIN = utf8('pipes/entry/v1\n')

/** The fields of an entry before it is signed. */
export type UnsignedEntry = Omit<Entry, 'signature'>

/** Protobuf bytes of an entry without its signature: what its id hashes and its signature covers. */
export function encodeUnsigned (entry: UnsignedEntry): Uint8Array {
  return Entry.encode({ ...entry, signature: new Uint8Array(0) })
}

/** The exact bytes an author signs for an entry whose unsigned encoding is `unsigned`. */
export function signingBytes (unsigned: Uint8Array): Uint8Array {
  return concat(SIGNING_DOMAIN, unsigned)
}

/** The wire form of an entry: its unsigned bytes followed by the signature field. */
export function attachSignature (unsigned: Uint8Array, signature: Uint8Array): Uint8Array {
  const out = new Uint8Array(unsigned.length + SIGNATURE_FIELD_BYTES)
  out.set(unsigned, 0)
  out[unsigned.length] = SIGNATURE_TAG
  out[unsigned.length + 1] = SIGNATURE_BYTES
  out.set(signature, unsigned.length + 2)
  return out
}

/**
 * The unsigned part and the signature of a wire entry, or undefined when the
 * bytes do not end in a 64-byte signature field.
 */
export function splitWire (wire: Uint8Array): { unsigned: Uint8Array, signature: Uint8Array } | undefined {
  const at = wire.length - SIGNATURE_FIELD_BYTES
  if (at < 0 || wire[at] !== SIGNATURE_TAG || wire[at + 1] !== SIGNATURE_BYTES) return undefined
  return { unsigned: wire.subarray(0, at), signature: wire.subarray(at + 2) }
}

/** The 32-byte id of an entry: sha256 of its unsigned bytes (independent of the signature bytes). */
export function entryIdOfUnsigned (unsigned: Uint8Array): Uint8Array {
  return sha256(unsigned)
}

/**
 * Ids of wire entries already hashed, by the very array (not its content):
 * an entry we publish is hashed once for its id, not again by gossipsub's
 * message id; an entry gossipsub received is hashed once for its message id,
 * not again when validated. Wire arrays are never written after they are made.
 */
const knownIds = new WeakMap<Uint8Array, Uint8Array>()

/** Records the id of a wire entry we built (its unsigned part hashes to `id`). */
export function rememberEntryId (wire: Uint8Array, id: Uint8Array): void {
  knownIds.set(wire, id)
}

/**
 * The gossipsub message id of a published entry: its entry id, so that
 * gossipsub's duplicate cache and the store agree on what "the same entry"
 * is. Bytes that are not an entry get sha256 of the whole (they are rejected
 * by validation anyway). `createPipesNode` sets it as its transport's message id.
 */
export function entryMessageId (data: Uint8Array): Uint8Array {
  const known = knownIds.get(data)
  if (known !== undefined) return known
  const parts = splitWire(data)
  if (parts === undefined) return sha256(data)
  const id = sha256(parts.unsigned)
  knownIds.set(data, id)
  return id
}

/** An entry decoded from the wire, with its id; not yet validated or verified. */
export interface WireEntry {
  entry: UnsignedEntry
  signature: Uint8Array
  /** The exact bytes received (stored and forwarded as they are). */
  wire: Uint8Array
  unsigned: Uint8Array
  id: Uint8Array
  idHex: string
}

/**
 * Decodes wire bytes into an entry, or undefined when they are not an entry
 * at all. `id` is the entry's id when the caller knows it already (read
 * from the store, which keeps ids beside entries): it is not hashed again.
 */
export function decodeWire (wire: Uint8Array, id?: Uint8Array): WireEntry | undefined {
  const parts = splitWire(wire)
  if (parts === undefined) return undefined
  let decoded: Entry
  try {
    decoded = Entry.decode(parts.unsigned)
  } catch {
    return undefined
  }
  // The signature must be the last field and appear once: the unsigned part holds none.
  if (decoded.signature.length !== 0) return undefined
  const { signature: _none, ...entry } = decoded
  const entryId = id ?? knownIds.get(wire) ?? entryIdOfUnsigned(parts.unsigned)
  return { entry, signature: parts.signature, wire, unsigned: parts.unsigned, id: entryId, idHex: toHex(entryId) }
}
