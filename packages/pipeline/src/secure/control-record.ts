import { bytesToHex, hexToBytes, sha256, utf8Decode, utf8Encode } from '@pipes/identity'
import { contextBytes } from './context-bytes.js'
import { KEY_ID_BYTES } from './pipeline-key.js'
import type { KeyScope } from './pipeline-key.js'

/**
 * Control records of a member-list encrypted pipeline. They ride the
 * pipeline itself as entries of key epoch 0 (data entries use epoch 1 and
 * up), signed by their author like every entry, so they are stored and
 * synced with the packets. Their payload is JSON, version 2:
 *
 * - `genesis` (the owner only, once): the admins, the first members and the
 *   epoch-1 key sealed to each member;
 * - `add`: one member, and the current epoch key sealed to it (or, when the
 *   room re-keys on add, a fresh key for a new epoch sealed to everyone);
 * - `remove`: one member, the last seq of theirs the admin had applied
 *   (later entries of theirs are refused), and a fresh key for a new epoch
 *   sealed to every remaining member;
 * - `grant`: epoch keys sealed to members: the current key for members that
 *   lack it, or (epoch above the current one) a fresh key for a new epoch.
 *
 * Every record names the key id ({@link keyIdOf}) of the key its grants
 * carry, so every node knows who holds which key without opening grants.
 * Byte fields are lowercase hex. Member identities travel with their signed
 * names so every member can show who is in the pipeline.
 */
export type ControlRecord = GenesisRecord | AddRecord | RemoveRecord | GrantRecord

/** A member as carried in a record: its key and its signed name. */
export interface MemberRef {
  publicKey: Uint8Array
  name: string
  nameSignature: Uint8Array
}

/** One epoch key sealed to one member (a sealed box of {@link grantPlaintext}). */
export interface KeyGrant {
  to: Uint8Array
  box: Uint8Array
}

/** Fields of every record: the epoch and key id its grants carry. */
interface RecordBase { epoch: number, key: Uint8Array, grants: KeyGrant[] }
export interface GenesisRecord extends RecordBase { type: 'genesis', admins: Uint8Array[], members: MemberRef[] }
export interface AddRecord extends RecordBase { type: 'add', member: MemberRef }
/** `last`: the highest seq of the member's the admin had applied (0: none). */
export interface RemoveRecord extends RecordBase { type: 'remove', member: Uint8Array, last: number }
export interface GrantRecord extends RecordBase { type: 'grant' }

/** Largest epoch number (the entry's `keyEpoch` is a uint32). */
export const MAX_EPOCH = 0xffff_ffff
/** Most members a record may list (a genesis or the grants of a new epoch). */
export const MAX_RECORD_MEMBERS = 4096

const CONTROL_VERSION = 2

/** The JSON bytes of a control record. */
export function encodeControlRecord (record: ControlRecord): Uint8Array {
  const grants = record.grants.map(g => ({ to: bytesToHex(g.to), box: bytesToHex(g.box) }))
  let body: Record<string, unknown>
  switch (record.type) {
    case 'genesis':
      body = { admins: record.admins.map(a => bytesToHex(a)), members: record.members.map(memberJson) }
      break
    case 'add':
      body = { member: memberJson(record.member) }
      break
    case 'remove':
      body = { member: bytesToHex(record.member), last: record.last }
      break
    case 'grant':
      body = {}
      break
  }
  return utf8Encode(JSON.stringify({ v: CONTROL_VERSION, type: record.type, epoch: record.epoch, key: bytesToHex(record.key), ...body, grants }))
}

/** A control record from payload bytes, or undefined when they are not a well-formed record of this version. */
export function decodeControlRecord (payload: Uint8Array): ControlRecord | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(utf8Decode(payload))
  } catch {
    return undefined
  }
  if (!isObject(raw) || raw.v !== CONTROL_VERSION) return undefined
  const epoch = raw.epoch
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 1 || epoch > MAX_EPOCH) return undefined
  const grants = grantsOf(raw.grants)
  const key = hexOf(raw.key, KEY_ID_BYTES)
  if (grants === undefined || key === undefined) return undefined
  switch (raw.type) {
    case 'genesis': {
      if (!Array.isArray(raw.admins) || !Array.isArray(raw.members) || raw.members.length > MAX_RECORD_MEMBERS || raw.admins.length > MAX_RECORD_MEMBERS) return undefined
      const admins = raw.admins.map(keyOf)
      const members = raw.members.map(memberOf)
      if (admins.some(a => a === undefined) || members.some(m => m === undefined)) return undefined
      return { type: 'genesis', epoch, key, admins: admins as Uint8Array[], members: members as MemberRef[], grants }
    }
    case 'add': {
      const member = memberOf(raw.member)
      return member === undefined ? undefined : { type: 'add', epoch, key, member, grants }
    }
    case 'remove': {
      const member = keyOf(raw.member)
      const last = raw.last
      if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 0) return undefined
      return member === undefined ? undefined : { type: 'remove', epoch, key, member, last, grants }
    }
    case 'grant':
      return { type: 'grant', epoch, key, grants }
    default:
      return undefined
  }
}

const GRANT_BINDING = 'pipes/pipeline/key-grant/v1'

/**
 * What a grant seals: the 32-byte epoch key and a hash binding it to the
 * network, pipeline, epoch and recipient, so a sealed key copied into another
 * pipeline, epoch or grant is refused.
 */
export function grantPlaintext (epochKey: Uint8Array, scope: KeyScope, epoch: number, recipient: Uint8Array): Uint8Array {
  const out = new Uint8Array(64)
  out.set(epochKey, 0)
  out.set(grantBinding(scope, epoch, recipient), 32)
  return out
}

/** The epoch key inside an opened grant, or undefined when the binding does not match. */
export function keyOfGrantPlaintext (plain: Uint8Array, scope: KeyScope, epoch: number, recipient: Uint8Array): Uint8Array | undefined {
  if (plain.length !== 64) return undefined
  const binding = grantBinding(scope, epoch, recipient)
  for (let i = 0; i < 32; i++) if (plain[32 + i] !== binding[i]) return undefined
  return plain.slice(0, 32)
}

function grantBinding (scope: KeyScope, epoch: number, recipient: Uint8Array): Uint8Array {
  return sha256(contextBytes(GRANT_BINDING, scope.network, scope.pipeline, epoch, recipient))
}

function memberJson (m: MemberRef): Record<string, string> {
  return { key: bytesToHex(m.publicKey), name: m.name, sig: bytesToHex(m.nameSignature) }
}

function isObject (x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function hexOf (x: unknown, bytes: number): Uint8Array | undefined {
  if (typeof x !== 'string' || x.length !== bytes * 2) return undefined
  try {
    return hexToBytes(x)
  } catch {
    return undefined
  }
}

function keyOf (x: unknown): Uint8Array | undefined {
  return hexOf(x, 32)
}

function memberOf (x: unknown): MemberRef | undefined {
  if (!isObject(x) || typeof x.name !== 'string') return undefined
  const publicKey = keyOf(x.key)
  const nameSignature = hexOf(x.sig, 64)
  if (publicKey === undefined || nameSignature === undefined) return undefined
  return { publicKey, name: x.name, nameSignature }
}

/** Sealed grant: version, ephemeral key, 64-byte plaintext, tag. */
const GRANT_BOX_BYTES = 1 + 32 + 64 + 16

function grantsOf (x: unknown): KeyGrant[] | undefined {
  if (!Array.isArray(x) || x.length > MAX_RECORD_MEMBERS) return undefined
  const out: KeyGrant[] = []
  for (const g of x) {
    if (!isObject(g)) return undefined
    const to = keyOf(g.to)
    const box = hexOf(g.box, GRANT_BOX_BYTES)
    if (to === undefined || box === undefined) return undefined
    out.push({ to, box })
  }
  return out
}
