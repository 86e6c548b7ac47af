import type { UnsignedEntry } from './entry-codec.js'

/** What a payload codec turns a packet's data into. */
export interface EncodedPayload {
  payload: Uint8Array
  /** Key epoch the payload was sealed under; 0 for plain payloads. */
  keyEpoch: number
}

/** What a codec knows of the entry it encodes a payload for (assigned before encoding). */
export interface PayloadMeta {
  /** 32-byte ed25519 public key of the author. */
  author: Uint8Array
  /** The entry's per-author sequence number. */
  seq: number
}

/**
 * The layer between `Packet.data` and `entry.payload`. The plain codec
 * passes bytes through; an encrypted pipeline's codec seals them under the
 * key of an epoch and sets `FLAG_ENCRYPTED`, without the entry format, the
 * store or sync knowing about keys.
 */
export interface PayloadCodec {
  /** Kind flag bits this codec adds to every entry (e.g. FLAG_ENCRYPTED). */
  readonly flags: number
  /** Bytes the codec may add to a payload (nonce, tag), counted against the size limit. */
  readonly overheadBytes: number
  /** Synchronous: seq and `prev` of an author's entries are assigned in call order, and each entry's id needs its payload. */
  encode (data: Uint8Array, meta: PayloadMeta): EncodedPayload
  /**
   * The packet data of a verified entry; undefined when the entry is not a
   * packet for listeners (a record of the pipeline kind itself: skipped);
   * throws when it cannot be opened (yet): the entry is then not delivered,
   * and its author's later entries wait behind it until delivery is tried
   * again (`keysChanged`).
   */
  decode (entry: UnsignedEntry): Uint8Array | undefined | Promise<Uint8Array | undefined>
}

/** Payload = data. */
export const plainCodec: PayloadCodec = {
  flags: 0,
  overheadBytes: 0,
  encode: (data, _meta) => ({ payload: data, keyEpoch: 0 }),
  decode: (entry) => entry.payload
}
