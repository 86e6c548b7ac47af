import { AEAD_OVERHEAD_BYTES, DecryptionFailedError, aeadOpen, aeadSeal, concatBytes, hkdf } from '@pipes/identity'
import { contextBytes } from './context-bytes.js'
import { PayloadAuthenticationError } from '../errors.js'
import type { PayloadMeta, SealedEntry } from './encrypted-codec.js'
import type { Identity, LocalIdentity } from '@pipes/identity'

const PAIR_INFO = 'pipes/p2p/pair-key/v1'
const SUBKEY_INFO = 'pipes/p2p/pipeline-key/v1'
const TAG_KEY_INFO = 'pipes/p2p/tag-key/v2'
const TAG_INFO = 'pipes/p2p/tag/v2'
const ENVELOPE_AAD = 'pipes/p2p/envelope/v1'

/** Bytes of the routing tag in front of every envelope. */
export const PAIR_TAG_BYTES = 16

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
 * The payload codec of one point-to-point pipeline between two identities.
 * An envelope is `tag (16) || XChaCha20-Poly1305(nonce, ciphertext, tag)`:
 *
 * - the key is derived from the pair key and the pipeline name, so only the
 *   two ends can open it;
 * - the routing tag is derived from the same secret, the direction (author
 *   and recipient) and the envelope's seq: every envelope carries another
 *   tag, so a storing peer can neither tell which of an author's envelopes
 *   go to one recipient nor link the two directions of a conversation,
 *   while the recipient computes the one tag an envelope of its peer at
 *   that seq must carry (one HKDF) without trying to decrypt anything else;
 * - the associated data binds network, pipeline name, author, recipient and
 *   seq, so an envelope cannot be replayed under another entry; the sender
 *   is authenticated twice: by the entry's signature and by the pair key
 *   (only the two ends hold it, and the recipient knows it did not write it).
 */
export class PairCodec {
  /** The kind flag bits this codec adds (given by the pipeline: FLAG_POINT_TO_POINT | FLAG_ENCRYPTED). */
  readonly flags: number
  readonly overheadBytes = PAIR_TAG_BYTES + AEAD_OVERHEAD_BYTES
  readonly #key: Uint8Array
  /** Tag keys of our envelopes (to the peer) and of the peer's (to us). */
  readonly #sendTags: Uint8Array
  readonly #receiveTags: Uint8Array
  readonly #self: Uint8Array
  readonly #peer: Uint8Array
  readonly #network: string
  readonly #name: string

  /** `name`: the point-to-point pipeline's name (both ends use the same one); `flags`: the kind bits it adds. */
  constructor (self: LocalIdentity, peer: Identity, network: string, name: string, flags = 0) {
    this.flags = flags
    const shared = pairKey(self, peer, network)
    this.#key = hkdf(shared, { info: contextBytes(SUBKEY_INFO, network, name) })
    this.#sendTags = hkdf(shared, { info: contextBytes(TAG_KEY_INFO, network, name, self.publicKey, peer.publicKey) })
    this.#receiveTags = hkdf(shared, { info: contextBytes(TAG_KEY_INFO, network, name, peer.publicKey, self.publicKey) })
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
    if (payload.length < PAIR_TAG_BYTES + AEAD_OVERHEAD_BYTES) return false
    const tag = this.tagOf(author, seq)
    if (tag === undefined) return false
    for (let i = 0; i < PAIR_TAG_BYTES; i++) if (payload[i] !== tag[i]) return false
    return true
  }

  /** Seals `data` from this node to the peer, for the entry described by `meta`. */
  encode (data: Uint8Array, meta: PayloadMeta): { payload: Uint8Array, keyEpoch: number } {
    const tag = this.tagOf(meta.author, meta.seq) as Uint8Array
    const aad = this.#aad(meta.author, this.#recipientOf(meta.author), meta.seq)
    return { payload: concatBytes(tag, aeadSeal(this.#key, data, aad)), keyEpoch: 0 }
  }

  /**
   * Opens the envelope of a verified entry written by one of the two ends.
   * @throws {@link PayloadAuthenticationError} when the entry is not ours, has another tag, or does not authenticate
   */
  decode (entry: SealedEntry): Uint8Array {
    const recipient = this.#recipientOf(entry.author)
    if (recipient === undefined) throw new PayloadAuthenticationError('entry is by neither end of this point-to-point pipeline')
    if (!this.matches(entry.payload, entry.author, entry.seq)) throw new PayloadAuthenticationError('entry does not carry this point-to-point pipeline\'s tag for its author and seq')
    try {
      return aeadOpen(this.#key, entry.payload.subarray(PAIR_TAG_BYTES), this.#aad(entry.author, recipient, entry.seq))
    } catch (err) {
      if (err instanceof DecryptionFailedError) throw new PayloadAuthenticationError(`envelope of seq ${entry.seq} did not authenticate: altered or moved from another entry`)
      throw err
    }
  }

  #recipientOf (author: Uint8Array): Uint8Array | undefined {
    if (compareBytes(author, this.#self) === 0) return this.#peer
    if (compareBytes(author, this.#peer) === 0) return this.#self
    return undefined
  }

  #aad (author: Uint8Array, recipient: Uint8Array | undefined, seq: number): Uint8Array {
    return contextBytes(ENVELOPE_AAD, this.#network, this.#name, author, recipient ?? new Uint8Array(0), seq)
  }
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}
