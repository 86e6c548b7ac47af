import { AEAD_OVERHEAD_BYTES, DecryptionFailedError, aeadOpen, aeadSeal, bytesToHex, concatBytes } from '@pipes/identity'
import { contextBytes } from './context-bytes.js'
import { KeyUnavailableError, MembershipError, MembershipPendingError, PayloadAuthenticationError, RemovedAuthorError } from '../errors.js'
import { KEY_ID_BYTES, keyIdOf } from './pipeline-key.js'
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

/** One payload key: its epoch, the key, and its public id ({@link keyIdOf}). */
export interface EpochKey {
  epoch: number
  key: Uint8Array
  /** {@link KEY_ID_BYTES} bytes naming the key in every payload sealed under it. */
  id: Uint8Array
}

/** Whether a reader delivers an entry of `author`: yes, not yet (it waits), or never (dropped and counted). */
export type Admission = 'deliver' | 'wait' | 'refuse'

/** The payload keys a node holds for an encrypted pipeline. */
export interface Keyring {
  /**
   * The key new packets are sealed under; undefined while this node holds none.
   * @throws {@link MembershipError} `ERR_REKEY_PENDING` while the current key is also held by a removed member
   */
  current (): EpochKey | undefined
  /** A held key by its hex id. */
  byId (idHex: string): EpochKey | undefined
  /**
   * Whether a key this node does not hold (named by its hex id) will never
   * come to it: an epoch from before it joined, or one it was removed from.
   * Entries under it are not for this reader and are skipped; without it,
   * or when it answers false, they wait for the key.
   */
  neverHeld? (idHex: string): boolean
  /** {@link CONTROL_REF_BYTES} bytes naming the latest control record this node applied (zeros when it keeps none). */
  controlRef? (): Uint8Array
  /**
   * Told of every entry read, before its key is looked up: its author (hex),
   * epoch and the control record it names (hex), to find stale views.
   */
  observe? (authorHex: string, keyEpoch: number, controlRefHex: string): void
  /**
   * Whether an entry of `author` (hex) at `seq`, sealed under `key`, is
   * delivered. Without it every entry a held key opens is.
   */
  admit? (authorHex: string, seq: number, key: EpochKey): Admission
}

/** A keyring of one fixed key in epoch 1: pipelines keyed by a shared secret. */
export function staticKeyring (key: Uint8Array): Keyring {
  const current: EpochKey = { epoch: 1, key, id: keyIdOf(key) }
  const idHex = bytesToHex(current.id)
  return { current: () => current, byId: (id) => id === idHex ? current : undefined }
}

/** Version byte of the payload header. */
export const PAYLOAD_VERSION = 2
/** Bytes naming a control record in a payload header (a prefix of its entry id). */
export const CONTROL_REF_BYTES = 8
/** Payload header: version, key id, control record ref. */
export const PAYLOAD_HEADER_BYTES = 1 + KEY_ID_BYTES + CONTROL_REF_BYTES

const PAYLOAD_AAD = 'pipes/pipeline/encrypted-payload/v2'
const NO_CONTROL_REF = new Uint8Array(CONTROL_REF_BYTES)

/**
 * Associated data of an encrypted payload: network, pipeline, author, seq,
 * epoch, flags and the payload header. A ciphertext moved to another entry
 * (another author, seq, pipeline, network or epoch) or under another header
 * fails to authenticate.
 */
export function payloadAad (scope: KeyScope, author: Uint8Array, seq: number, keyEpoch: number, flags: number, header: Uint8Array): Uint8Array {
  return contextBytes(PAYLOAD_AAD, scope.network, scope.pipeline, author, seq, keyEpoch, flags, header)
}

/** The header and sealed box of a payload, or undefined when it is too short or of another version. */
export function splitPayload (payload: Uint8Array): { header: Uint8Array, keyIdHex: string, controlRefHex: string, box: Uint8Array } | undefined {
  if (payload.length < PAYLOAD_HEADER_BYTES + AEAD_OVERHEAD_BYTES || payload[0] !== PAYLOAD_VERSION) return undefined
  const header = payload.subarray(0, PAYLOAD_HEADER_BYTES)
  return {
    header,
    keyIdHex: bytesToHex(header.subarray(1, 1 + KEY_ID_BYTES)),
    controlRefHex: bytesToHex(header.subarray(1 + KEY_ID_BYTES)),
    box: payload.subarray(PAYLOAD_HEADER_BYTES)
  }
}

/**
 * The payload codec of an encrypted pipeline: a header (version, the id of
 * the key, the latest control record the author applied), then
 * XChaCha20-Poly1305 under that key with {@link payloadAad} as associated
 * data. The key id lets a reader tell "a key I do not hold yet" (the entry
 * waits) from "altered" (dropped). Entries of epoch 0 are control records,
 * never sealed by this codec.
 */
export class EncryptedCodec {
  /** The kind flag bits this codec adds (the entry format's FLAG_ENCRYPTED, given by the pipeline). */
  readonly flags: number
  readonly overheadBytes = PAYLOAD_HEADER_BYTES + AEAD_OVERHEAD_BYTES
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
   * @throws {@link MembershipError} `ERR_NOT_MEMBER` when this node holds no key to seal with, `ERR_REKEY_PENDING` while the current key needs replacing
   */
  encode (data: Uint8Array, meta: PayloadMeta): { payload: Uint8Array, keyEpoch: number } {
    const current = this.#keyring.current()
    if (current === undefined) {
      throw new MembershipError('ERR_NOT_MEMBER', `this node holds no key for encrypted pipeline "${this.#scope.pipeline}": it is not a member, or its key-grant has not arrived yet (wait for sync)`)
    }
    const header = concatBytes(Uint8Array.of(PAYLOAD_VERSION), current.id, this.#keyring.controlRef?.() ?? NO_CONTROL_REF)
    const aad = payloadAad(this.#scope, meta.author, meta.seq, current.epoch, this.#entryFlags, header)
    return { payload: concatBytes(header, aeadSeal(current.key, data, aad)), keyEpoch: current.epoch }
  }

  /**
   * Opens the payload of a verified entry; undefined when it is sealed
   * under a key this reader will never hold (not for it: skipped).
   * @throws {@link KeyUnavailableError} when the key it names is not held (yet): keep the entry
   * @throws {@link MembershipPendingError} when its author is not (yet) known to hold that key: keep the entry
   * @throws {@link RemovedAuthorError} when its author wrote it after being removed: drop it
   * @throws {@link PayloadAuthenticationError} when it is malformed or the named key does not open it: drop it
   */
  decode (entry: SealedEntry): Uint8Array | undefined {
    const parts = splitPayload(entry.payload)
    if (parts === undefined) throw new PayloadAuthenticationError(`payload of seq ${entry.seq} is not a sealed payload of version ${PAYLOAD_VERSION}`)
    const authorHex = bytesToHex(entry.author)
    this.#keyring.observe?.(authorHex, entry.keyEpoch, parts.controlRefHex)
    const key = this.#keyring.byId(parts.keyIdHex)
    if (key === undefined) {
      if (this.#keyring.neverHeld?.(parts.keyIdHex) === true) return undefined
      throw new KeyUnavailableError(entry.keyEpoch, this.#scope.pipeline)
    }
    if (key.epoch !== entry.keyEpoch) throw new PayloadAuthenticationError(`payload of seq ${entry.seq} names a key of epoch ${key.epoch} in an entry of epoch ${entry.keyEpoch}`)
    const admission = this.#keyring.admit?.(authorHex, entry.seq, key) ?? 'deliver'
    if (admission === 'wait') throw new MembershipPendingError(entry.seq, this.#scope.pipeline)
    if (admission === 'refuse') throw new RemovedAuthorError(entry.seq, this.#scope.pipeline)
    const aad = payloadAad(this.#scope, entry.author, entry.seq, entry.keyEpoch, entry.flags, parts.header)
    try {
      return aeadOpen(key.key, parts.box, aad)
    } catch (err) {
      if (!(err instanceof DecryptionFailedError)) throw new PayloadAuthenticationError(`payload of seq ${entry.seq} is not a sealed box (${(err as Error).message})`)
    }
    throw new PayloadAuthenticationError(`payload of seq ${entry.seq} in epoch ${entry.keyEpoch} of "${this.#scope.pipeline}" did not authenticate: altered, or moved from another entry`)
  }
}
