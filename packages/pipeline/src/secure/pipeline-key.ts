import { hkdf, scryptCostProblem, scryptKey, sha256 } from '@pipes/identity'
import type { ScryptParams } from '@pipes/identity'
import { contextBytes } from './context-bytes.js'
import { InvalidSecureOptionError } from '../errors.js'

/** Length of a pipeline key and of a shared key given by the app: 32 bytes. */
export const PIPELINE_KEY_BYTES = 32

/** scrypt cost of a pipeline passphrase (RFC 7914): the range of `@pipes/identity` key files. */
export type PassphraseCost = ScryptParams

/**
 * Default scrypt cost for pipeline passphrases: N = 2^17, r = 8, p = 1, the
 * cost of `@pipes/identity` key files (128 MiB, about 0.65 s in Node 20).
 * Paid once per pipeline when it opens.
 */
export const DEFAULT_PASSPHRASE_COST: Readonly<PassphraseCost> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 })

/** Where a pipeline key is used: binds it to one network and pipeline. */
export interface KeyScope {
  network: string
  pipeline: string
}

const SHARED_INFO = 'pipes/pipeline/shared-secret/v1'
const PASSPHRASE_SALT = 'pipes/pipeline/passphrase/v1'
const EPOCH_INFO = 'pipes/pipeline/epoch-payload-key/v1'
const KEY_ID_DOMAIN = 'pipes/pipeline/key-id/v1'

/** Length of a key id in a payload header. */
export const KEY_ID_BYTES = 8

/**
 * The pipeline key of a 32-byte shared key: HKDF-SHA256 with the network
 * and the pipeline in `info`, so one shared key gives unrelated keys on
 * different pipelines and networks. `context` separates further uses.
 *
 * @throws {@link InvalidSecureOptionError} when `key` is not 32 bytes
 */
export function pipelineKeyFromSharedKey (key: Uint8Array, scope: KeyScope, context = 'payload'): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== PIPELINE_KEY_BYTES) {
    throw new InvalidSecureOptionError(`encrypted.key must be a ${PIPELINE_KEY_BYTES}-byte Uint8Array (e.g. randomBytes(32), shared out of band); use encrypted.passphrase for a human secret`)
  }
  return hkdf(key, { info: contextBytes(SHARED_INFO, scope.network, scope.pipeline, context) })
}

/**
 * The pipeline key of a passphrase: scrypt (slow on purpose: a stolen
 * ciphertext does not make guessing cheap) with a salt derived from the
 * network and the pipeline, then {@link pipelineKeyFromSharedKey}. The salt
 * is deterministic because every member must derive the same key without
 * talking to anyone: an attacker can precompute guesses for one
 * (network, pipeline) pair, never for all. The passphrase is NFC-normalized.
 *
 * @throws {@link InvalidSecureOptionError} when `passphrase` is not a non-empty string or the cost is out of range
 */
export async function pipelineKeyFromPassphrase (passphrase: string, scope: KeyScope, cost: Partial<PassphraseCost> = {}, context = 'payload'): Promise<Uint8Array> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new InvalidSecureOptionError('encrypted.passphrase must be a non-empty string shared by every member')
  }
  const { N, r, p } = { ...DEFAULT_PASSPHRASE_COST, ...cost }
  const problem = scryptCostProblem(N, r, p)
  if (problem !== undefined) throw new InvalidSecureOptionError(`passphrase cost: ${problem}`)
  const salt = sha256(contextBytes(PASSPHRASE_SALT, scope.network, scope.pipeline))
  const secret = await scryptKey(passphrase, salt, { N, r, p }, PIPELINE_KEY_BYTES)
  return pipelineKeyFromSharedKey(secret, scope, context)
}

/**
 * The key that seals payloads of one epoch, derived from the epoch's random
 * key: the epoch key itself only ever travels sealed to members.
 */
export function epochPayloadKey (epochKey: Uint8Array, scope: KeyScope, epoch: number): Uint8Array {
  return hkdf(epochKey, { info: contextBytes(EPOCH_INFO, scope.network, scope.pipeline, epoch) })
}

/**
 * The public id of a payload key: a truncated hash of it under its own
 * domain, so readers find the key an entry is sealed under (two admins may
 * make two keys for one epoch) and tell a key they lack from tampering.
 * It reveals only whether two payloads share a key.
 */
export function keyIdOf (payloadKey: Uint8Array): Uint8Array {
  return sha256(contextBytes(KEY_ID_DOMAIN, payloadKey)).slice(0, KEY_ID_BYTES)
}
