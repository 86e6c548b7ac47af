import { sameBytes } from '../bytes.js'
import { decodeWire } from '../entry-codec.js'

/** Record flag: the entry's own signature was checked (not only reached through the hash chain). */
export const RECORD_SIGNATURE_CHECKED = 1

/** An entry as the store keeps it. */
export interface StoredEntry {
  seq: number
  id: Uint8Array
  wire: Uint8Array
  /** Whether this entry's signature itself was verified. */
  checked: boolean
  /** Hex of `id`, when the caller has it already. */
  idHex?: string
  /** The entry's time (ms), when the caller has it decoded: the time index keys on it. */
  time?: number
}

/** What the store knows about one author of one pipeline. */
export interface AuthorState {
  readonly author: Uint8Array
  readonly authorHex: string
  /** Highest seq accepted, every seq below it too (some may still be in a commit). */
  seq: number
  /** Id of the entry at `seq` (empty at 0). */
  head: Uint8Array
  /** Highest seq known to be written to the datastore, every seq below it too. */
  durableSeq: number
  durableHead: Uint8Array
  /** Highest seq delivered to listeners. */
  delivered: number
  /**
   * Highest seq dropped from the front of the log (the mailbox's expiry): entries
   * `1..floor` are not held, `floor + 1..durableSeq` are. 0 for a whole log.
   */
  floor: number
  /** Id of the entry at `floor` (empty at 0): what the entry after it links to. */
  floorHead: Uint8Array
  /** Ids of accepted entries still in a commit, by seq. */
  readonly pending: Map<number, string>
}

/** The state of an author the store has nothing of yet. */
export function emptyAuthorState (author: Uint8Array, authorHex: string): AuthorState {
  return { author: author.slice(), authorHex, seq: 0, head: new Uint8Array(0), durableSeq: 0, durableHead: new Uint8Array(0), delivered: 0, floor: 0, floorHead: new Uint8Array(0), pending: new Map() }
}

/** The datastore record of an entry: a flag byte, the 32-byte id, then the wire. */
export function encodeRecord (entry: Pick<StoredEntry, 'id' | 'wire' | 'checked'>): Uint8Array {
  const record = new Uint8Array(1 + 32 + entry.wire.length)
  record[0] = entry.checked ? RECORD_SIGNATURE_CHECKED : 0
  record.set(entry.id, 1)
  record.set(entry.wire, 33)
  return record
}

/** The stored entry of a record if it is what it claims: its id is the hash of its wire, and the wire's seq and author match. */
export function checkRecord (state: AuthorState, seq: number, value: Uint8Array | undefined): StoredEntry | undefined {
  if (value === undefined || value.length < 34) return undefined
  const id = value.subarray(1, 33)
  const wire = value.subarray(33)
  const w = decodeWire(wire)
  if (w === undefined || !sameBytes(w.id, id) || w.entry.seq !== seq || !sameBytes(w.entry.author, state.author)) return undefined
  return { seq, checked: ((value[0] as number) & RECORD_SIGNATURE_CHECKED) !== 0, id, wire }
}
