import { bytesToHex, identityFromParts, randomBytes, sealTo } from '@pipes/identity'
import { decodeControlRecord, encodeControlRecord, grantPlaintext, keyOfGrantPlaintext, MAX_EPOCH } from './control-record.js'
import { MembershipError } from '../errors.js'
import { epochPayloadKey } from './pipeline-key.js'
import type { ControlRecord, KeyGrant, MemberRef } from './control-record.js'
import type { Keyring } from './encrypted-codec.js'
import type { KeyScope } from './pipeline-key.js'
import type { Identity, LocalIdentity } from '@pipes/identity'

/** A control entry as the pipeline hands it over: verified, with its place in the author's log. */
export interface ControlInput {
  /** Hex entry id (the record's identity: applying it twice changes nothing). */
  id: string
  /** 32-byte public key of the entry's author (its signature was checked). */
  author: Uint8Array
  seq: number
  /** The entry's hybrid logical clock. */
  time: number
  counter: number
  payload: Uint8Array
}

/** What became of a control entry. */
export type ApplyOutcome = 'applied' | 'duplicate' | 'pending' | 'deferred' | 'not-admin' | 'malformed'

/** Counters of control entries, each entry counted once. */
export interface MembershipStats {
  applied: number
  /** Control entries by authors who are not admins: dropped. */
  notAdmin: number
  /** Control entries that are not well-formed records (or break a rule, such as removing an admin): dropped. */
  malformed: number
  /** Grants to this node that did not open or whose binding was wrong: ignored. */
  badGrants: number
}

interface Applied { input: ControlInput, authorHex: string, record: ControlRecord }
/** A control record kept before the genesis: not parsed until the genesis names the admins. */
interface Waiting { input: ControlInput, authorHex: string, record: undefined }

/** Most control records kept while the genesis is unknown; past it `apply` answers `deferred` and keeps nothing. */
const MAX_PENDING = 1024

/** Most payload bytes of control records kept while the genesis is unknown. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024

interface HeldKey {
  /** Id of the record that granted it. */
  from: string
  epochKey: Uint8Array
  payloadKey: Uint8Array
}

/**
 * The membership and key schedule of a member-list encrypted pipeline,
 * computed from its control records alone (no network, no store).
 *
 * The owner (given by the app on every member, never read from the
 * pipeline) writes the genesis record naming the admins; only records of
 * the owner and those admins count, every other control entry is dropped
 * and counted. Records are folded in one deterministic order, the same on
 * every node that holds the same records: the owner's first genesis, then
 * every other admin record by (hybrid clock, author, seq), which keeps each
 * author's own order. The fold is recomputed when a record arrives late.
 *
 * Every epoch key granted to this identity is kept (as long as the records
 * are), so entries of every epoch it was a member of stay readable.
 */
export class Membership implements Keyring {
  readonly #identity: LocalIdentity
  readonly #selfHex: string
  readonly #ownerHex: string
  readonly #scope: KeyScope
  readonly #records = new Map<string, Applied>()
  readonly #pending = new Map<string, Waiting>()
  #pendingBytes = 0
  readonly #dropped = new Set<string>()
  readonly #keys = new Map<number, HeldKey[]>()
  readonly #identities = new Map<string, Identity>()
  readonly stats: MembershipStats = { applied: 0, notAdmin: 0, malformed: 0, badGrants: 0 }
  #genesis: Applied | undefined
  #admins = new Set<string>()
  // the fold's result
  #epoch = 0
  #establishing: string | undefined
  #members = new Map<string, MemberRef>()
  #recipients = new Set<string>()

  constructor (identity: LocalIdentity, owner: Uint8Array, scope: KeyScope) {
    this.#identity = identity
    this.#selfHex = bytesToHex(identity.publicKey)
    this.#ownerHex = bytesToHex(owner)
    this.#scope = scope
  }

  /** The current key epoch: 0 before the genesis record is known. */
  get epoch (): number { return this.#epoch }

  /** Whether the genesis record is known. */
  get started (): boolean { return this.#genesis !== undefined }

  /** Whether this node's identity may write control records. */
  get isAdmin (): boolean { return this.#ownerHex === this.#selfHex || (this.#genesis !== undefined && this.#admins.has(this.#selfHex)) }

  /** Hex public keys of the owner and the admins (empty before genesis, except the owner). */
  admins (): string[] { return [this.#ownerHex, ...[...this.#admins].filter(a => a !== this.#ownerHex)] }

  /** The current members, owner and admins included, sorted by public key. */
  members (): Identity[] {
    return [...this.#members.keys()].sort().map(k => this.#identities.get(k) as Identity)
  }

  /** Whether `publicKey` (hex) is a current member. */
  hasMember (publicKeyHex: string): boolean { return this.#members.has(publicKeyHex) }

  current (): { epoch: number, key: Uint8Array } | undefined {
    const held = this.#keys.get(this.#epoch)
    if (held === undefined || !this.#members.has(this.#selfHex)) return undefined
    const chosen = held.find(k => k.from === this.#establishing) ?? held[0]
    return chosen === undefined ? undefined : { epoch: this.#epoch, key: chosen.payloadKey }
  }

  keys (epoch: number): readonly Uint8Array[] {
    return (this.#keys.get(epoch) ?? []).map(k => k.payloadKey)
  }

  /** Epochs this node holds a key for, ascending. */
  heldEpochs (): number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b)
  }

  /**
   * Takes in one control entry (any author). Records of admins are applied
   * and the state refolded; others are dropped and counted. Records seen
   * before the genesis wait for it (`pending`).
   */
  async apply (input: ControlInput): Promise<ApplyOutcome> {
    if (this.#records.has(input.id) || this.#pending.has(input.id) || this.#dropped.has(input.id)) return 'duplicate'
    const authorHex = bytesToHex(input.author)
    // who wrote it is checked before any parsing or signature work: non-admins cost nothing
    if (this.#genesis !== undefined && !this.#admins.has(authorHex)) return this.#drop(input.id, 'not-admin')
    const record = decodeControlRecord(input.payload)
    if (record === undefined) return this.#drop(input.id, 'malformed')
    const applied: Applied = { input, authorHex, record }
    if (this.#genesis === undefined) {
      if (record.type === 'genesis' && authorHex === this.#ownerHex) return await this.#start(applied)
      if (record.type === 'genesis') return this.#drop(input.id, 'not-admin')
      // admins are named by the genesis: wait for it, bounded in count and bytes (past the
      // bound the caller applies it again later); kept as a copied payload, not as the parsed
      // record, so it pins neither its frame nor the parse
      if (this.#pending.size >= MAX_PENDING || this.#pendingBytes + input.payload.length > MAX_PENDING_BYTES) return 'deferred'
      this.#pending.set(input.id, { input: { ...input, payload: input.payload.slice() }, authorHex, record: undefined })
      this.#pendingBytes += input.payload.length
      return 'pending'
    }
    const outcome = await this.#classify(applied)
    if (outcome === 'applied') this.#fold()
    return outcome
  }

  async #start (genesis: Applied): Promise<ApplyOutcome> {
    if (genesis.record.type !== 'genesis' || !(await this.#learnIdentities(genesis.record))) return this.#drop(genesis.input.id, 'malformed')
    this.#genesis = genesis
    this.#admins = new Set([this.#ownerHex, ...genesis.record.admins.map(a => bytesToHex(a))])
    this.#accept(genesis)
    const waiting = [...this.#pending.values()]
    this.#pending.clear()
    this.#pendingBytes = 0
    for (const p of waiting) {
      // parsed only now, and only an admin's
      if (!this.#admins.has(p.authorHex)) { this.#drop(p.input.id, 'not-admin'); continue }
      const record = decodeControlRecord(p.input.payload)
      if (record === undefined) { this.#drop(p.input.id, 'malformed'); continue }
      await this.#classify({ input: p.input, authorHex: p.authorHex, record })
    }
    this.#fold()
    return 'applied'
  }

  async #classify (applied: Applied): Promise<ApplyOutcome> {
    if (!this.#admins.has(applied.authorHex)) return this.#drop(applied.input.id, 'not-admin')
    const r = applied.record
    if (r.type === 'genesis') return this.#drop(applied.input.id, 'malformed')
    if (r.type === 'remove' && this.#admins.has(bytesToHex(r.member))) return this.#drop(applied.input.id, 'malformed')
    if (!(await this.#learnIdentities(r))) return this.#drop(applied.input.id, 'malformed')
    this.#accept(applied)
    return 'applied'
  }

  #drop (id: string, why: 'malformed' | 'not-admin'): ApplyOutcome {
    this.#dropped.add(id)
    if (why === 'malformed') this.stats.malformed++
    else this.stats.notAdmin++
    return why
  }

  #accept (applied: Applied): void {
    this.#records.set(applied.input.id, applied)
    this.stats.applied++
    for (const g of applied.record.grants) {
      if (bytesToHex(g.to) !== this.#selfHex) continue
      let epochKey: Uint8Array | undefined
      try {
        epochKey = keyOfGrantPlaintext(this.#identity.open(g.box), this.#scope, applied.record.epoch, this.#identity.publicKey)
      } catch {
        epochKey = undefined
      }
      if (epochKey === undefined) { this.stats.badGrants++; continue }
      const held = this.#keys.get(applied.record.epoch) ?? []
      if (!held.some(k => equal(k.epochKey, epochKey))) {
        held.push({ from: applied.input.id, epochKey, payloadKey: epochPayloadKey(epochKey, this.#scope, applied.record.epoch) })
        this.#keys.set(applied.record.epoch, held)
      }
    }
  }

  async #learnIdentities (record: ControlRecord): Promise<boolean> {
    const refs = record.type === 'genesis' ? record.members : record.type === 'add' ? [record.member] : []
    for (const m of refs) {
      const hex = bytesToHex(m.publicKey)
      if (this.#identities.has(hex)) continue
      try {
        this.#identities.set(hex, await identityFromParts(m.publicKey, m.name, m.nameSignature))
      } catch {
        return false
      }
    }
    return true
  }

  /** Recomputes members, epoch and recipients from every accepted record, in the deterministic order. */
  #fold (): void {
    const genesis = this.#genesis
    if (genesis === undefined || genesis.record.type !== 'genesis') return
    const members = new Map<string, MemberRef>()
    for (const m of genesis.record.members) members.set(bytesToHex(m.publicKey), m)
    let epoch = genesis.record.epoch
    let establishing = genesis.input.id
    let recipients = new Set(genesis.record.grants.map(g => bytesToHex(g.to)))
    const rest = [...this.#records.values()].filter(a => a !== genesis).sort(order)
    for (const { input, record } of rest) {
      const to = record.grants.map(g => bytesToHex(g.to))
      if (record.type === 'add') members.set(bytesToHex(record.member.publicKey), record.member)
      if (record.type === 'remove') members.delete(bytesToHex(record.member))
      if (record.type === 'add' || record.type === 'genesis') {
        if (record.epoch === epoch) for (const t of to) recipients.add(t)
      } else if (record.epoch > epoch) {
        epoch = record.epoch
        establishing = input.id
        recipients = new Set(to)
      } else if (record.epoch === epoch) {
        for (const t of to) recipients.add(t)
      }
    }
    this.#members = members
    this.#epoch = epoch
    this.#establishing = establishing
    this.#recipients = recipients
  }

  /**
   * What the key schedule needs from an admin now: a new epoch when someone
   * no longer a member was granted the current key (two admins acted at
   * once), or grants for members that lack the current key.
   */
  needs (): { rekey: boolean, missing: string[] } {
    const rekey = [...this.#recipients].some(r => !this.#members.has(r))
    const missing = [...this.#members.keys()].filter(m => !this.#recipients.has(m)).sort()
    return { rekey, missing }
  }

  // ---- records this node writes (admins) ------------------------------------

  /**
   * The genesis record: the owner (this identity), the admins and the
   * members, with a fresh epoch-1 key sealed to each.
   * @throws {@link MembershipError} (`ERR_NOT_ADMIN`) unless this identity is the owner
   */
  genesisRecord (members: readonly Identity[], admins: readonly Identity[] = []): Uint8Array {
    if (this.#selfHex !== this.#ownerHex) throw new MembershipError('ERR_NOT_ADMIN', 'only the owner writes the genesis record of an encrypted pipeline')
    const all = uniqueRefs([this.#identity, ...admins, ...members])
    const key = randomBytes(32)
    return encodeControlRecord({
      type: 'genesis', epoch: 1, admins: uniqueRefs(admins).map(a => a.publicKey), members: all, grants: this.#grants(key, 1, all.map(m => m.publicKey))
    })
  }

  /**
   * An `add` record: `identity` joins and gets the current epoch key.
   * @throws {@link MembershipError} `ERR_NOT_ADMIN` / `ERR_MEMBERSHIP_NOT_READY` (no current key yet)
   */
  addRecord (identity: Identity): Uint8Array {
    const key = this.#currentEpochKey('add a member')
    const member = refOf(identity)
    return encodeControlRecord({ type: 'add', epoch: this.#epoch, member, grants: this.#grants(key, this.#epoch, [member.publicKey]) })
  }

  /**
   * A `remove` record: `publicKey` leaves, and a fresh key for the next
   * epoch is sealed to every remaining member only.
   * @throws {@link MembershipError} `ERR_NOT_ADMIN` / `ERR_MEMBERSHIP_NOT_READY`; `ERR_NOT_REMOVABLE` when removing an admin or a non-member
   */
  removeRecord (publicKey: Uint8Array): Uint8Array {
    this.#currentEpochKey('remove a member')
    const hex = bytesToHex(publicKey)
    if (this.#admins.has(hex)) throw new MembershipError('ERR_NOT_REMOVABLE', 'the owner and the admins are fixed when the pipeline is created and cannot be removed')
    if (!this.#members.has(hex)) throw new MembershipError('ERR_NOT_REMOVABLE', `${hex} is not a member of "${this.#scope.pipeline}"`)
    const epoch = this.#nextEpoch()
    const remaining = [...this.#members.values()].filter(m => bytesToHex(m.publicKey) !== hex).map(m => m.publicKey)
    return encodeControlRecord({ type: 'remove', epoch, member: publicKey, grants: this.#grants(randomBytes(32), epoch, remaining) })
  }

  /** A `grant` record that mends what {@link needs} reports, or undefined when nothing is needed or this node cannot mend it. */
  healRecord (): Uint8Array | undefined {
    if (!this.isAdmin || this.#genesis === undefined || !this.#members.has(this.#selfHex)) return undefined
    const { rekey, missing } = this.needs()
    if (rekey) {
      const epoch = this.#nextEpoch()
      return encodeControlRecord({ type: 'grant', epoch, grants: this.#grants(randomBytes(32), epoch, [...this.#members.values()].map(m => m.publicKey)) })
    }
    if (missing.length === 0) return undefined
    const held = this.#establishingKey()
    if (held === undefined) return undefined
    const to = missing.map(m => (this.#members.get(m) as MemberRef).publicKey)
    return encodeControlRecord({ type: 'grant', epoch: this.#epoch, grants: this.#grants(held, this.#epoch, to) })
  }

  #nextEpoch (): number {
    if (this.#epoch >= MAX_EPOCH) throw new MembershipError('ERR_MEMBERSHIP_NOT_READY', `pipeline "${this.#scope.pipeline}" used every key epoch; create a new pipeline`)
    return this.#epoch + 1
  }

  #establishingKey (): Uint8Array | undefined {
    const held = this.#keys.get(this.#epoch)
    return (held?.find(k => k.from === this.#establishing) ?? held?.[0])?.epochKey
  }

  #currentEpochKey (what: string): Uint8Array {
    if (!this.isAdmin) throw new MembershipError('ERR_NOT_ADMIN', `only the owner and the admins of "${this.#scope.pipeline}" may ${what}`)
    const key = this.#genesis === undefined ? undefined : this.#establishingKey()
    if (key === undefined) throw new MembershipError('ERR_MEMBERSHIP_NOT_READY', `cannot ${what} on "${this.#scope.pipeline}" yet: this node does not hold the current epoch key (wait for sync)`)
    return key
  }

  #grants (epochKey: Uint8Array, epoch: number, to: Uint8Array[]): KeyGrant[] {
    return to.map(publicKey => ({ to: publicKey, box: sealTo({ publicKey }, grantPlaintext(epochKey, this.#scope, epoch, publicKey)) }))
  }
}

function order (a: Applied, b: Applied): number {
  const x = a.input
  const y = b.input
  if (x.time !== y.time) return x.time - y.time
  if (x.counter !== y.counter) return x.counter - y.counter
  if (a.authorHex !== b.authorHex) return a.authorHex < b.authorHex ? -1 : 1
  return x.seq - y.seq
}

function refOf (identity: Identity): MemberRef {
  return { publicKey: identity.publicKey, name: identity.name, nameSignature: identity.nameSignature }
}

function uniqueRefs (ids: readonly Identity[]): MemberRef[] {
  const seen = new Set<string>()
  const out: MemberRef[] = []
  for (const id of ids) {
    const ref = refOf(id)
    const hex = bytesToHex(ref.publicKey)
    if (!seen.has(hex)) { seen.add(hex); out.push(ref) }
  }
  return out
}

function equal (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
