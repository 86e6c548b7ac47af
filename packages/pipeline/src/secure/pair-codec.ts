import { AEAD_OVERHEAD_BYTES, DecryptionFailedError, aeadOpen, aeadSeal, concatBytes, edPublicToX25519, edSecretToX25519, equalBytes, hkdf } from '@pipes/identity'
import { contextBytes } from './context-bytes.js'
import { PairRatchet } from './pair-ratchet.js'
import { PayloadAuthenticationError } from '../errors.js'
import type { RatchetHeader } from './pair-ratchet.js'
import type { PayloadMeta, SealedEntry } from './encrypted-codec.js'
import type { Identity, LocalIdentity } from '@pipes/identity'

const PAIR_INFO = 'pipes/p2p/pair-key/v1'
const HEADER_KEY_INFO = 'pipes/p2p/header-key/v3'
const TAG_KEY_INFO = 'pipes/p2p/tag-key/v2'
const TAG_INFO = 'pipes/p2p/tag/v2'
const HEADER_AAD = 'pipes/p2p/header/v3'
const ENVELOPE_AAD = 'pipes/p2p/envelope/v3'

/** Where a codec finds prekeys (the node's {@link Prekeys}). */
export interface PrekeySource {
  prekeyOf: (identity: Uint8Array) => Uint8Array | undefined
  secretOf: (prekey: Uint8Array) => Uint8Array | undefined
}

/** Bytes of the routing tag in front of every envelope. */
export const PAIR_TAG_BYTES = 16
/** Bytes of a ratchet header in clear: sender's ephemeral key, recipient key, sender's reply key, chain index. */
const HEADER_BYTES = 32 + 32 + 32 + 4
/** Bytes an envelope adds to a packet: tag, sealed header, the body's nonce and tag. */
export const PAIR_OVERHEAD_BYTES = PAIR_TAG_BYTES + HEADER_BYTES + 2 * AEAD_OVERHEAD_BYTES

/**
 * The key two identities share on a network: HKDF-SHA256 of their X25519
 * agreement, both ed25519 public keys in the salt (sorted, so both ends
 * compute the same salt), the network id in `info`. Static-static: the same
 * two identities on the same network always get the same key.
 */
export function pairKey (self: LocalIdentity, peer: Identity, network: string): Uint8Array {
  const a = self.publicKey
  const b = peer.publicKey
  const salt = compareBytes(a, b) <= 0 ? concatBytes(a, b) : concatBytes(b, a)
  return hkdf(self.agree(peer), { salt, info: contextBytes(PAIR_INFO, network) })
}

/**
 * The payload codec of one point-to-point pipeline between two identities
 * (envelope format 3):
 * `tag (16) || header sealed under the header key (100 + 40) || packet sealed under the message key (+ 40)`.
 *
 * - the message key comes from the pipeline's {@link PairRatchet}: used for
 *   one envelope and forgotten, so a key stolen later opens no envelope
 *   the two ends have moved past (forward secrecy);
 * - the header (the chain's ephemeral key, the recipient key it was agreed
 *   with, the sender's reply key, the chain index) is sealed under a key of the static pair key
 *   and the direction, so a relay sees no ratchet key to link envelopes by;
 * - the routing tag is derived from the pair key, the direction (author
 *   and recipient) and the envelope's seq: every envelope carries another
 *   tag, so a storing peer can neither tell which of an author's envelopes
 *   go to one recipient nor link the two directions of a conversation,
 *   while the recipient computes the one tag an envelope of its peer at
 *   that seq must carry (one HKDF) without trying to decrypt anything else;
 * - the associated data binds network, pipeline name, author, recipient and
 *   seq, so an envelope cannot be replayed under another entry; the sender
 *   is authenticated by the entry's signature and by the pair key.
 *
 * Only the peer opens an envelope: the sender keeps no message key, so the
 * pipeline keeps what it sent (and what it opened) itself.
 */
export class PairCodec {
  /** The kind flag bits this codec adds (given by the pipeline: FLAG_POINT_TO_POINT | FLAG_ENCRYPTED). */
  readonly flags: number
  readonly overheadBytes = PAIR_OVERHEAD_BYTES
  readonly ratchet: PairRatchet
  /** Tag and header keys of our envelopes (to the peer) and of the peer's (to us). */
  readonly #sendTags: Uint8Array
  readonly #receiveTags: Uint8Array
  readonly #sendHeaders: Uint8Array
  readonly #receiveHeaders: Uint8Array
  readonly #self: Uint8Array
  readonly #peer: Uint8Array
  readonly #network: string
  readonly #name: string

  /**
   * `name`: the point-to-point pipeline's name (both ends use the same one); `flags`: the kind bits it adds;
   * `saved`: the ratchet state stored by the pipeline ({@link PairRatchet.save}), if any; `prekeys`: the
   * peer's newest prekey and our prekey secrets (without: first flights are agreed with identity keys).
   */
  constructor (self: LocalIdentity, peer: Identity, network: string, name: string, flags = 0, saved?: Uint8Array, prekeys?: PrekeySource) {
    this.flags = flags
    const shared = pairKey(self, peer, network)
    const direction = (info: string, from: Uint8Array, to: Uint8Array): Uint8Array => hkdf(shared, { info: contextBytes(info, network, name, from, to) })
    this.#sendTags = direction(TAG_KEY_INFO, self.publicKey, peer.publicKey)
    this.#receiveTags = direction(TAG_KEY_INFO, peer.publicKey, self.publicKey)
    this.#sendHeaders = direction(HEADER_KEY_INFO, self.publicKey, peer.publicKey)
    this.#receiveHeaders = direction(HEADER_KEY_INFO, peer.publicKey, self.publicKey)
    const identitySecret = edSecretToX25519(self.secretKey)
    const identityPublic = edPublicToX25519(self.publicKey)
    const peerIdentity = edPublicToX25519(peer.publicKey)
    this.ratchet = new PairRatchet({
      network,
      name,
      self: self.publicKey,
      peer: peer.publicKey,
      firstTarget: () => prekeys?.prekeyOf(peer.publicKey) ?? peerIdentity,
      firstSecret: (key) => equalBytes(key, identityPublic) ? identitySecret : prekeys?.secretOf(key),
      pairKey: shared
    }, saved)
    this.#self = self.publicKey
    this.#peer = peer.publicKey
    this.#network = network
    this.#name = name
  }

  /** The routing tag of the envelope at `seq` of `author` (one of the two ends), or undefined for a third author. */
  tagOf (author: Uint8Array, seq: number): Uint8Array | undefined {
    const tags = compareBytes(author, this.#self) === 0 ? this.#sendTags : compareBytes(author, this.#peer) === 0 ? this.#receiveTags : undefined
    return tags === undefined ? undefined : hkdf(tags, { info: contextBytes(TAG_INFO, seq), length: PAIR_TAG_BYTES })
  }

  /** Whether the envelope at `seq` of `author` carries this pipeline's tag (cheap; says nothing of authenticity). */
  matches (payload: Uint8Array, author: Uint8Array, seq: number): boolean {
    if (payload.length < PAIR_OVERHEAD_BYTES) return false
    const tag = this.tagOf(author, seq)
    if (tag === undefined) return false
    for (let i = 0; i < PAIR_TAG_BYTES; i++) if (payload[i] !== tag[i]) return false
    return true
  }

  /** Seals `data` from this node to the peer, for the entry described by `meta`; the ratchet moves on (store {@link PairRatchet.save} with the entry). */
  encode (data: Uint8Array, meta: PayloadMeta): { payload: Uint8Array, keyEpoch: number } {
    const tag = this.tagOf(meta.author, meta.seq) as Uint8Array
    const aad = this.#aad(meta.author, this.#peer, meta.seq)
    const { header, key } = this.ratchet.next()
    const sealedHeader = aeadSeal(this.#sendHeaders, encodeHeader(header), contextBytes(HEADER_AAD, aad))
    return { payload: concatBytes(tag, sealedHeader, aeadSeal(key, data, aad)), keyEpoch: 0 }
  }

  /**
   * Opens an envelope of the peer (a verified entry) and moves the
   * ratchet past it: call in the peer's seq order.
   * @throws {@link PayloadAuthenticationError} when the entry is not the peer's, has another tag, does not authenticate, or its key is gone
   */
  decode (entry: SealedEntry): Uint8Array {
    if (compareBytes(entry.author, this.#peer) !== 0) throw new PayloadAuthenticationError('entry is not by the peer of this point-to-point pipeline (our own envelopes are kept by the pipeline, not reopened)')
    if (!this.matches(entry.payload, entry.author, entry.seq)) throw new PayloadAuthenticationError('entry does not carry this point-to-point pipeline\'s tag for its author and seq')
    const aad = this.#aad(entry.author, this.#self, entry.seq)
    const headerEnd = PAIR_TAG_BYTES + HEADER_BYTES + AEAD_OVERHEAD_BYTES
    try {
      const header = decodeHeader(aeadOpen(this.#receiveHeaders, entry.payload.subarray(PAIR_TAG_BYTES, headerEnd), contextBytes(HEADER_AAD, aad)))
      const opened = this.ratchet.open(header)
      if (opened === undefined) throw new PayloadAuthenticationError(`envelope of seq ${entry.seq} is sealed under a ratchet key this node no longer holds (already opened, or its state was lost)`)
      const data = aeadOpen(opened.key, entry.payload.subarray(headerEnd), aad)
      opened.commit()
      return data
    } catch (err) {
      if (err instanceof DecryptionFailedError) throw new PayloadAuthenticationError(`envelope of seq ${entry.seq} did not authenticate: altered or moved from another entry`)
      throw err
    }
  }

  #aad (author: Uint8Array, recipient: Uint8Array, seq: number): Uint8Array {
    return contextBytes(ENVELOPE_AAD, this.#network, this.#name, author, recipient, seq)
  }
}

function encodeHeader (h: RatchetHeader): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES)
  out.set(h.dh, 0)
  out.set(h.target, 32)
  out.set(h.reply, 64)
  new DataView(out.buffer).setUint32(96, h.n)
  return out
}

function decodeHeader (bytes: Uint8Array): RatchetHeader {
  if (bytes.length !== HEADER_BYTES) throw new PayloadAuthenticationError('envelope header has the wrong length')
  return { dh: bytes.slice(0, 32), target: bytes.slice(32, 64), reply: bytes.slice(64, 96), n: new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(96) }
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}
