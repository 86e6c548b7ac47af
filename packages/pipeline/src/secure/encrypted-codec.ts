import { AEAD_OVERHEAD_BYTES, DecryptionFailedError, aeadOpen, aeadSeal } from '@pipes/identity'
import { contextBytes } from './context-bytes.js'
import { KeyUnavailableError, MembershipError, PayloadAuthenticationError } from '../errors.js'
import type { KeyScope } from './pipeline-key.js'

/** What a codec knows of the entry it seals a payload for (assigned before sealing). */
export interface PayloadMeta {
  /** 32-byte ed25519 public key of the author. */
  author: Uint8Array
  /** The entry's per-author sequence number. */
  seq: number
}

/** The fields of a verified entry a codec reads to open its payload. */
export interface SealedEntry {
  author: Uint8Array
  seq: number
  keyEpoch: number
  flags: number
  payload: Uint8Array
}

/** The payload keys a node holds for an encrypted pipeline. */
export interface Keyring {
  /** The epoch new packets are sealed in and its payload key; undefined while this node holds none. */
  current (): { epoch: number, key: Uint8Array } | undefined
  /** Every payload key this node holds for `epoch` (usually one; concurrent admin changes can leave two). */
  keys (epoch: number): readonly Uint8Array[]
}

/** A keyring of one fixed key in epoch 1: pipelines keyed by a shared secret. */
export function staticKeyring (key: Uint8Array): Keyring {
  const current = { epoch: 1, key }
  return { current: () => current, keys: (epoch) => epoch === 1 ? [key] : [] }
}

const PAYLOAD_AAD = 'pipes/pipeline/encrypted-payload/v1'

/**
 * Associated data of an encrypted payload: network, pipeline, author, seq,
 * epoch and flags. A ciphertext moved to another entry (another author,
 * seq, pipeline, network or epoch) fails to authenticate.
 */
export function payloadAad (scope: KeyScope, author: Uint8Array, seq: number, keyEpoch: number, flags: number): Uint8Array {
  return contextBytes(PAYLOAD_AAD, scope.network, scope.pipeline, author, seq, keyEpoch, flags)
}

/**
 * The payload codec of an encrypted pipeline: XChaCha20-Poly1305 under the
 * keyring's current epoch key, with {@link payloadAad} as associated data.
 * Entries of epoch 0 are control records, never sealed by this codec.
 */
export class EncryptedCodec {
  /** The kind flag bits this codec adds (the entry format's FLAG_ENCRYPTED, given by the pipeline). */
  readonly flags: number
  readonly overheadBytes = AEAD_OVERHEAD_BYTES
  readonly #scope: KeyScope
  readonly #keyring: Keyring
  readonly #entryFlags: number

  /**
   * `entryFlags`: every flag bit the pipeline's entries carry (bound into
   * the associated data); `codecFlags`: the bits this codec adds to them.
   */
  constructor (scope: KeyScope, keyring: Keyring, entryFlags: number, codecFlags = entryFlags) {
    this.#scope = scope
    this.#keyring = keyring
    this.#entryFlags = entryFlags
    this.flags = codecFlags
  }

  /**
   * Seals `data` for the entry described by `meta`.
   * @throws {@link MembershipError} (`ERR_NOT_MEMBER`) when this node holds no key to seal with
   */
  encode (data: Uint8Array, meta: PayloadMeta): { payload: Uint8Array, keyEpoch: number } {
    const current = this.#keyring.current()
    if (current === undefined) {
      throw new MembershipError('ERR_NOT_MEMBER', `this node holds no key for encrypted pipeline "${this.#scope.pipeline}": it is not a member, or its key-grant has not arrived yet (wait for sync)`)
    }
    const aad = payloadAad(this.#scope, meta.author, meta.seq, current.epoch, this.#entryFlags)
    return { payload: aeadSeal(current.key, data, aad), keyEpoch: current.epoch }
  }

  /**
   * Opens the payload of a verified entry.
   * @throws {@link KeyUnavailableError} when no key of the entry's epoch is held (yet): keep the entry
   * @throws {@link PayloadAuthenticationError} when no held key of the epoch opens it: drop it
   */
  decode (entry: SealedEntry): Uint8Array {
    const keys = this.#keyring.keys(entry.keyEpoch)
    if (keys.length === 0) throw new KeyUnavailableError(entry.keyEpoch, this.#scope.pipeline)
    const aad = payloadAad(this.#scope, entry.author, entry.seq, entry.keyEpoch, entry.flags)
    for (const key of keys) {
      try {
        return aeadOpen(key, entry.payload, aad)
      } catch (err) {
        if (!(err instanceof DecryptionFailedError)) throw new PayloadAuthenticationError(`payload of seq ${entry.seq} is not a sealed box (${(err as Error).message})`)
      }
    }
    throw new PayloadAuthenticationError(`payload of seq ${entry.seq} in epoch ${entry.keyEpoch} of "${this.#scope.pipeline}" did not authenticate: altered, moved from another entry, or sealed with another key`)
  }
}
