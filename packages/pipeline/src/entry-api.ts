import { toHex } from './bytes.js'
import { attachSignature, decodeWire, encodeUnsigned, ENTRY_VERSION, signingBytes } from './entry-codec.js'
import type { LocalIdentity } from '@pipes/identity'

/** Every field of an entry, as `decodeEntry` gives them. */
export interface EntryFields {
  version: number
  network: string
  pipeline: string
  /** 32-byte ed25519 public key of the author. */
  author: Uint8Array
  authorName: string
  nameSignature: Uint8Array
  seq: number
  /** Id of the author's previous entry (32 bytes), empty for seq 1 and live entries. */
  prev: Uint8Array
  /** Hybrid logical clock: wall ms and logical counter. */
  time: number
  counter: number
  flags: number
  keyEpoch: number
  payload: Uint8Array
}

/** A decoded entry with its signature and hex id. */
export interface DecodedEntry extends EntryFields {
  signature: Uint8Array
  id: string
}

/**
 * Decodes entry wire bytes (no validation, no signature check), or
 * undefined when they are not an entry. For tools and tests.
 */
export function decodeEntry (wire: Uint8Array): DecodedEntry | undefined {
  const w = decodeWire(wire)
  return w === undefined ? undefined : { ...w.entry, signature: w.signature.slice(), id: w.idHex }
}

/** The unsigned protobuf bytes of an entry: what its id hashes. For tools and tests. */
export function encodeUnsignedEntry (fields: Partial<EntryFields>): Uint8Array {
  return encodeUnsigned({
    version: ENTRY_VERSION,
    network: '',
    pipeline: '',
    author: new Uint8Array(0),
    authorName: '',
    nameSignature: new Uint8Array(0),
    seq: 0,
    prev: new Uint8Array(0),
    time: 0,
    counter: 0,
    flags: 0,
    keyEpoch: 0,
    payload: new Uint8Array(0),
    ...fields
  } as Parameters<typeof encodeUnsigned>[0])
}

/** The bytes an entry's signature covers (a domain tag, then the unsigned entry). */
export function entrySigningBytes (unsigned: Uint8Array): Uint8Array {
  return signingBytes(unsigned)
}

/** Entry wire bytes from unsigned bytes and a 64-byte signature. */
export function attachEntrySignature (unsigned: Uint8Array, signature: Uint8Array): Uint8Array {
  return attachSignature(unsigned, signature)
}

/**
 * Builds and signs an entry as `identity` (author, name and name signature
 * come from it). For tools and tests; pipelines build their own.
 */
export async function encodeEntry (identity: LocalIdentity, fields: Omit<Partial<EntryFields>, 'author' | 'authorName' | 'nameSignature'>): Promise<{ wire: Uint8Array, id: string }> {
  const unsigned = encodeUnsignedEntry({ ...fields, author: identity.publicKey, authorName: identity.name, nameSignature: identity.nameSignature })
  const wire = attachSignature(unsigned, await identity.sign(signingBytes(unsigned)))
  return { wire, id: toHex(decodeWire(wire)?.id ?? new Uint8Array(0)) }
}
