import { isIdentity, publicKeyFromPeerId } from '@pipes/identity'
import { InvalidSecureOptionError } from '../errors.js'
import type { Identity } from '@pipes/identity'

/**
 * How an encrypted pipeline gets its keys (the `encrypted` option of
 * `createPipeline`). Exactly one form:
 *
 * - `{ key }`: a 32-byte secret every member already has;
 * - `{ passphrase }`: a human secret every member already has (scrypt);
 * - `{ members, admins? }`: this node's identity creates the pipeline and
 *   owns its member list; `members` and `admins` get the key (admins may add
 *   and remove members too);
 * - `{ owner }`: join a member-list pipeline created by `owner` (an
 *   Identity or its id); the keys arrive when an admin adds this identity;
 * - `{ relayOnly: true }`: store, check and relay the pipeline for others,
 *   holding ciphertext only, delivering nothing.
 *
 * The member-list forms take the room's key schedule too
 * ({@link KeySchedule}); it matters on the owner and the admins, who write
 * the records.
 */
export type EncryptedOptions =
  | { key: Uint8Array }
  | { passphrase: string }
  | ({ members: readonly Identity[], admins?: readonly Identity[] } & KeySchedule)
  | ({ owner: Identity | string } & KeySchedule)
  | { relayOnly: true }

/** When the admins of a member-list pipeline start a new epoch, beside every removal. */
export interface KeySchedule {
  /**
   * An added member gets the key of the current epoch and so reads what was
   * sent in it before it joined (true), or a new epoch starts for everyone
   * and it reads only what follows (false, the default).
   */
  shareHistory?: boolean
  /** Start a new epoch after this many packets in the current one, or when it is this old (whichever comes first). */
  rekeyEvery?: { messages?: number, ms?: number }
}

/** The normalized form of {@link KeySchedule}. */
export interface ScheduleConfig { shareHistory: boolean, rekeyMessages: number | undefined, rekeyMs: number | undefined }

/** The normalized form of {@link EncryptedOptions}. */
export type SecureConfig =
  | { mode: 'key', key: Uint8Array }
  | { mode: 'passphrase', passphrase: string }
  | { mode: 'create', members: Identity[], admins: Identity[], schedule: ScheduleConfig }
  | { mode: 'join', owner: Uint8Array, schedule: ScheduleConfig }
  | { mode: 'relay' }

const FORMS = 'use one of { key: Uint8Array(32) }, { passphrase: string }, { members: Identity[], admins?: Identity[] }, { owner: Identity | id }, { relayOnly: true }'

/**
 * Checks and normalizes the `encrypted` option.
 * @throws {@link InvalidSecureOptionError} when it is not exactly one usable form
 */
export function parseEncryptedOptions (value: unknown): SecureConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidSecureOptionError(`createPipeline: encrypted must be an object: ${FORMS}`)
  const o = value as Record<string, unknown>
  const forms = ['key', 'passphrase', 'members', 'owner', 'relayOnly'].filter(k => o[k] !== undefined)
  if (forms.length !== 1) throw new InvalidSecureOptionError(`createPipeline: encrypted needs exactly one of key, passphrase, members, owner, relayOnly (got ${forms.length === 0 ? 'none' : forms.join(', ')}): ${FORMS}`)
  if (o.admins !== undefined && o.members === undefined) throw new InvalidSecureOptionError('createPipeline: encrypted.admins goes with encrypted.members (the creator names the admins)')
  if ((o.shareHistory !== undefined || o.rekeyEvery !== undefined) && o.members === undefined && o.owner === undefined) throw new InvalidSecureOptionError('createPipeline: encrypted.shareHistory and encrypted.rekeyEvery go with a member list ({ members } or { owner })')
  switch (forms[0]) {
    case 'key':
      if (!(o.key instanceof Uint8Array) || o.key.length !== 32) throw new InvalidSecureOptionError('createPipeline: encrypted.key must be a 32-byte Uint8Array shared by every member (e.g. randomBytes(32)); use encrypted.passphrase for a human secret')
      return { mode: 'key', key: o.key.slice() }
    case 'passphrase':
      if (typeof o.passphrase !== 'string' || o.passphrase.length === 0) throw new InvalidSecureOptionError('createPipeline: encrypted.passphrase must be a non-empty string')
      return { mode: 'passphrase', passphrase: o.passphrase }
    case 'members':
      return { mode: 'create', members: identities(o.members, 'encrypted.members'), admins: o.admins === undefined ? [] : identities(o.admins, 'encrypted.admins'), schedule: scheduleOf(o) }
    case 'owner':
      return { mode: 'join', owner: publicKeyOf(o.owner, 'encrypted.owner'), schedule: scheduleOf(o) }
    default:
      if (o.relayOnly !== true) throw new InvalidSecureOptionError('createPipeline: encrypted.relayOnly must be true')
      return { mode: 'relay' }
  }
}

function scheduleOf (o: Record<string, unknown>): ScheduleConfig {
  if (o.shareHistory !== undefined && typeof o.shareHistory !== 'boolean') throw new InvalidSecureOptionError('createPipeline: encrypted.shareHistory must be true or false')
  const every = o.rekeyEvery
  if (every !== undefined && (every === null || typeof every !== 'object' || Array.isArray(every))) throw new InvalidSecureOptionError('createPipeline: encrypted.rekeyEvery must be { messages?: number, ms?: number }')
  const e = (every ?? {}) as Record<string, unknown>
  for (const k of ['messages', 'ms']) {
    const v = e[k]
    if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)) throw new InvalidSecureOptionError(`createPipeline: encrypted.rekeyEvery.${k} must be a positive integer`)
  }
  return { shareHistory: o.shareHistory === true, rekeyMessages: e.messages as number | undefined, rekeyMs: e.ms as number | undefined }
}

function identities (value: unknown, what: string): Identity[] {
  if (!Array.isArray(value)) throw new InvalidSecureOptionError(`createPipeline: ${what} must be an array of Identity (e.g. identityFromJSON(json)), got ${typeof value}`)
  return value.map((x, i) => {
    if (!isIdentity(x)) throw new InvalidSecureOptionError(`createPipeline: ${what}[${i}] is not an Identity: members need a public key and a signed name`)
    return x
  })
}

/**
 * The ed25519 public key of an Identity or of an identity id (an ed25519
 * PeerId embeds its key).
 * @throws {@link InvalidSecureOptionError} when it is neither
 */
export function publicKeyOf (value: unknown, what: string): Uint8Array {
  if (typeof value === 'string') {
    try {
      return publicKeyFromPeerId(value)
    } catch (err) {
      throw new InvalidSecureOptionError(`${what} must be an Identity or an identity id ("12D3KooW..."), got ${JSON.stringify(value)}: ${(err as Error).message}`)
    }
  }
  if (value !== null && typeof value === 'object') {
    const key = (value as { publicKey?: unknown }).publicKey
    if (key instanceof Uint8Array && key.length === 32) return key.slice()
  }
  throw new InvalidSecureOptionError(`${what} must be an Identity or an identity id ("12D3KooW..."), got ${value === null ? 'null' : typeof value}`)
}
