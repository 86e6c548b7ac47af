import { bytesToHex, hexToBytes, identityFromParts, randomBytes, sealTo } from '@pipes/identity'
import { decodeControlRecord, encodeControlRecord, grantPlaintext, keyOfGrantPlaintext, MAX_EPOCH } from './control-record.js'
import { CONTROL_REF_BYTES } from './encrypted-codec.js'
import { MembershipError } from '../errors.js'
import { epochPayloadKey, keyIdOf } from './pipeline-key.js'
import type { ControlRecord, KeyGrant, MemberRef } from './control-record.js'
import type { Admission, EpochKey, Keyring } from './encrypted-codec.js'
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

interface HeldKey extends EpochKey {
  epochKey: Uint8Array
}

/** Who holds one key, as the fold of the records says: each holder, and the last seq of theirs that counts (undefined: no limit). */
interface KeyHolders {
  epoch: number
  holders: Map<string, number | undefined>
}

/** A member writes from an older view than this node's, or names a record this node lacks (point of view: `behind`). */
export interface StaleReport {
  /** `self`: an entry names a control record this node has not applied (its view is stale, or a record is withheld from it); `author`: the author wrote under an older epoch, from a view behind this node's. */
  behind: 'self' | 'author'
  /** Hex public key of the entry's author. */
  author: string
  /** Hex prefix of the control record the entry names. */
  record: string
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
  /** Keys this identity was granted, by hex key id. */
  readonly #keys = new Map<string, HeldKey>()
  readonly #identities = new Map<string, Identity>()
  readonly stats: MembershipStats = { applied: 0, notAdmin: 0, malformed: 0, badGrants: 0 }
  #genesis: Applied | undefined
  #admins = new Set<string>()
  // the fold's result
  #epoch = 0
  /** Hex id of the key that started the current epoch (the first in fold order). */
  #currentKey: string | undefined
  #members = new Map<string, MemberRef>()
  #holders = new Map<string, KeyHolders>()
  /** Fold position of every applied record, by its {@link controlRef} (hex). */
  #positions = new Map<string, number>()
  #head: Uint8Array = new Uint8Array(CONTROL_REF_BYTES)
  /** Stale views already reported (once each). */
  readonly #reported = new Set<string>()
  /** Told of every stale view found while admitting entries. */
  onStale: ((report: StaleReport) => void) | undefined

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

  /** The key this member would seal with now (the current epoch's first key, else another of the epoch it holds); undefined when none. */
  heldCurrent (): HeldKey | undefined {
    if (!this.#members.has(this.#selfHex)) return undefined
    const first = this.#currentKey === undefined ? undefined : this.#keys.get(this.#currentKey)
    if (first !== undefined) return first
    for (const k of this.#keys.values()) if (k.epoch === this.#epoch) return k
    return undefined
  }

  /**
   * Whether the key this member would seal with is also held by someone no
   * longer a member (two admins acted at once): nothing may be sealed
   * under it until an admin starts a new epoch.
   */
  get rekeyPending (): boolean {
    const k = this.heldCurrent()
    return k !== undefined && this.#tainted(bytesToHex(k.id))
  }

  current (): EpochKey | undefined {
    const k = this.heldCurrent()
    if (k === undefined) return undefined
    if (this.#tainted(bytesToHex(k.id))) {
      throw new MembershipError('ERR_REKEY_PENDING', `the current key of "${this.#scope.pipeline}" is also held by someone no longer a member (two admins changed the members at once): nothing was sent; an admin starts a new epoch shortly (the pipeline emits "rekeyed"), put again then`)
    }
    return k
  }

  byId (idHex: string): EpochKey | undefined {
    return this.#keys.get(idHex)
  }

  /**
   * A key the records name that this member lacks comes to it only as the
   * current key (a grant to members missing it) or as a second key of an
   * epoch it holds a key of (concurrent admins); any other it never gets.
   * Not a member (yet): an add may still share it, so it may come.
   */
  neverHeld (idHex: string): boolean {
    const k = this.#holders.get(idHex)
    if (k === undefined || !this.#members.has(this.#selfHex) || idHex === this.#currentKey) return false
    for (const held of this.#keys.values()) if (held.epoch === k.epoch) return false
    return true
  }

  /** Every payload key held for `epoch`. */
  keys (epoch: number): Uint8Array[] {
    return [...this.#keys.values()].filter(k => k.epoch === epoch).map(k => k.key)
  }

  /** Epochs this node holds a key for, ascending. */
  heldEpochs (): number[] {
    return [...new Set([...this.#keys.values()].map(k => k.epoch))].sort((a, b) => a - b)
  }

  /** The first bytes of the id of the latest control record in fold order: what this node's entries name. */
  controlRef (): Uint8Array {
    return this.#head
  }

  /**
   * An entry of `authorHex` at `seq` under `key` is delivered when the
   * records say its author holds that key, and, if an admin removed it
   * since it got the key, only up to the last seq the removal names; it
   * waits while the author is not known to hold the key (a grant on its
   * way).
   */
  admit (authorHex: string, seq: number, key: EpochKey): Admission {
    const held = this.#holders.get(bytesToHex(key.id))
    if (held === undefined || !held.holders.has(authorHex)) return 'wait'
    const last = held.holders.get(authorHex)
    if (last !== undefined && seq > last) return 'refuse'
    return 'deliver'
  }

  /**
   * Reports (to {@link onStale}, once each) an entry naming a control
   * record this node has not applied (its own view is behind, or a record
   * is withheld from it), or one written under an older epoch from a view
   * behind this node's. Reported only: delivery does not depend on it.
   */
  observe (authorHex: string, keyEpoch: number, ref: string): void {
    if (this.#genesis === undefined) return
    const at = this.#positions.get(ref)
    let behind: StaleReport['behind'] | undefined
    if (at === undefined) behind = 'self'
    else if (at < this.#positions.size - 1 && keyEpoch < this.#epoch) behind = 'author'
    if (behind === undefined) return
    const seen = `${behind}:${authorHex}:${ref}`
    if (this.#reported.has(seen)) return
    this.#reported.add(seen)
    this.onStale?.({ behind, author: authorHex, record: ref })
  }

  #tainted (keyHex: string): boolean {
    const held = this.#holders.get(keyHex)
    if (held === undefined) return false
    for (const h of held.holders.keys()) if (!this.#members.has(h)) return true
    return false
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
      const payloadKey = epochPayloadKey(epochKey, this.#scope, applied.record.epoch)
      const id = keyIdOf(payloadKey)
      // the record names the key its grants carry: a grant of another key is refused
      if (!equal(id, applied.record.key)) { this.stats.badGrants++; continue }
      const idHex = bytesToHex(id)
      if (!this.#keys.has(idHex)) this.#keys.set(idHex, { epoch: applied.record.epoch, key: payloadKey, id, epochKey })
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

  /**
   * Recomputes members, epoch, key holders and fold positions from every
   * accepted record, in the deterministic order. A removal caps what counts
   * of the removed member under every key it held at the seq it names; a
   * key granted to someone not a member at that point counts only up to
   * its last removal (or not at all).
   */
  #fold (): void {
    const genesis = this.#genesis
    if (genesis === undefined || genesis.record.type !== 'genesis') return
    const members = new Map<string, MemberRef>()
    const removedAt = new Map<string, number>()
    const holders = new Map<string, KeyHolders>()
    let epoch = genesis.record.epoch
    let currentKey = bytesToHex(genesis.record.key)
    const ordered = [genesis, ...[...this.#records.values()].filter(a => a !== genesis).sort(order)]
    const positions = new Map<string, number>()
    for (const [i, { input, record }] of ordered.entries()) {
      positions.set(refOf16(input.id), i)
      if (record.type === 'genesis') for (const m of record.members) members.set(bytesToHex(m.publicKey), m)
      if (record.type === 'add') {
        const hex = bytesToHex(record.member.publicKey)
        members.set(hex, record.member)
        removedAt.delete(hex)
      }
      const keyHex = bytesToHex(record.key)
      const held = holders.get(keyHex) ?? { epoch: record.epoch, holders: new Map() }
      holders.set(keyHex, held)
      for (const g of record.grants) {
        const to = bytesToHex(g.to)
        held.holders.set(to, members.has(to) ? undefined : (removedAt.get(to) ?? 0))
      }
      if (record.type === 'remove') {
        const hex = bytesToHex(record.member)
        members.delete(hex)
        removedAt.set(hex, record.last)
        for (const k of holders.values()) {
          if (k.holders.has(hex) && k.holders.get(hex) === undefined) k.holders.set(hex, record.last)
        }
      }
      if (record.epoch > epoch) {
        epoch = record.epoch
        currentKey = keyHex
      }
    }
    this.#members = members
    this.#epoch = epoch
    this.#currentKey = currentKey
    this.#holders = holders
    this.#positions = positions
    this.#head = hexToBytes(refOf16(ordered[ordered.length - 1]?.input.id ?? ''))
  }

  /**
   * What the key schedule needs from an admin now: a new epoch when someone
   * no longer a member holds the current key (two admins acted at once),
   * or grants for members that lack it.
   */
  needs (): { rekey: boolean, missing: string[], backfill: Array<{ key: string, to: string[] }> } {
    const current = this.#currentKey === undefined ? undefined : this.#holders.get(this.#currentKey)
    if (current === undefined) return { rekey: false, missing: [], backfill: [] }
    const rekey = this.#tainted(this.#currentKey as string)
    const missing = [...this.#members.keys()].filter(m => !current.holders.has(m)).sort()
    return { rekey, missing, backfill: this.#backfill() }
  }

  /**
   * Keys of an epoch that current members of that epoch lack: two admins
   * acting at once each made a key for the same epoch, and a member holding
   * one of them gets the other too, so it reads what was sent under both.
   */
  #backfill (): Array<{ key: string, to: string[] }> {
    const out: Array<{ key: string, to: string[] }> = []
    for (const [keyHex, k] of this.#holders) {
      const to = new Set<string>()
      for (const [otherHex, other] of this.#holders) {
        if (otherHex === keyHex || other.epoch !== k.epoch) continue
        for (const [h, last] of other.holders) {
          if (last === undefined && this.#members.has(h) && !k.holders.has(h)) to.add(h)
        }
      }
      if (to.size > 0) out.push({ key: keyHex, to: [...to].sort() })
    }
    return out
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
      type: 'genesis', epoch: 1, key: this.#idOf(key, 1), admins: uniqueRefs(admins).map(a => a.publicKey), members: all, grants: this.#grants(key, 1, all.map(m => m.publicKey))
    })
  }

  /**
   * An `add` record: `identity` joins. With `shareHistory` it gets the
   * current epoch key (it reads the backlog of the epoch); without, a fresh
   * key for a new epoch is sealed to every member and to it, so it reads
   * only what is sent after it joined.
   * @throws {@link MembershipError} `ERR_NOT_ADMIN` / `ERR_MEMBERSHIP_NOT_READY` (no current key yet)
   */
  addRecord (identity: Identity, shareHistory = true): Uint8Array {
    const key = this.#currentEpochKey('add a member')
    const member = refOf(identity)
    if (shareHistory) return encodeControlRecord({ type: 'add', epoch: this.#epoch, key: this.#idOf(key, this.#epoch), member, grants: this.#grants(key, this.#epoch, [member.publicKey]) })
    const epoch = this.#nextEpoch()
    const fresh = randomBytes(32)
    const to = [...this.#members.values()].map(m => m.publicKey)
    if (!this.#members.has(bytesToHex(member.publicKey))) to.push(member.publicKey)
    return encodeControlRecord({ type: 'add', epoch, key: this.#idOf(fresh, epoch), member, grants: this.#grants(fresh, epoch, to) })
  }

  /**
   * A `grant` record starting a new epoch whose fresh key is sealed to every
   * current member (a scheduled re-key).
   * @throws {@link MembershipError} `ERR_NOT_ADMIN` / `ERR_MEMBERSHIP_NOT_READY`
   */
  rekeyRecord (): Uint8Array {
    this.#currentEpochKey('re-key')
    return this.#freshEpochRecord()
  }

  #freshEpochRecord (): Uint8Array {
    const epoch = this.#nextEpoch()
    const fresh = randomBytes(32)
    return encodeControlRecord({ type: 'grant', epoch, key: this.#idOf(fresh, epoch), grants: this.#grants(fresh, epoch, [...this.#members.values()].map(m => m.publicKey)) })
  }

  /**
   * A `remove` record: `publicKey` leaves, and a fresh key for the next
   * epoch is sealed to every remaining member only.
   * @throws {@link MembershipError} `ERR_NOT_ADMIN` / `ERR_MEMBERSHIP_NOT_READY`; `ERR_NOT_REMOVABLE` when removing an admin or a non-member
   */
  removeRecord (publicKey: Uint8Array, last: number): Uint8Array {
    this.#currentEpochKey('remove a member')
    const hex = bytesToHex(publicKey)
    if (this.#admins.has(hex)) throw new MembershipError('ERR_NOT_REMOVABLE', 'the owner and the admins are fixed when the pipeline is created and cannot be removed')
    if (!this.#members.has(hex)) throw new MembershipError('ERR_NOT_REMOVABLE', `${hex} is not a member of "${this.#scope.pipeline}"`)
    const epoch = this.#nextEpoch()
    const remaining = [...this.#members.values()].filter(m => bytesToHex(m.publicKey) !== hex).map(m => m.publicKey)
    const fresh = randomBytes(32)
    return encodeControlRecord({ type: 'remove', epoch, key: this.#idOf(fresh, epoch), member: publicKey, last, grants: this.#grants(fresh, epoch, remaining) })
  }

  /** A `grant` record that mends what {@link needs} reports, or undefined when nothing is needed or this node cannot mend it. */
  healRecord (): Uint8Array | undefined {
    if (!this.isAdmin || this.#genesis === undefined || !this.#members.has(this.#selfHex)) return undefined
    const { rekey, missing, backfill } = this.needs()
    if (rekey) return this.#freshEpochRecord()
    for (const b of backfill) {
      const k = this.#keys.get(b.key)
      if (k === undefined) continue
      const to = b.to.map(m => (this.#members.get(m) as MemberRef).publicKey)
      return encodeControlRecord({ type: 'grant', epoch: k.epoch, key: k.id, grants: this.#grants(k.epochKey, k.epoch, to) })
    }
    if (missing.length === 0) return undefined
    const held = this.#establishingKey()
    if (held === undefined) return undefined
    const to = missing.map(m => (this.#members.get(m) as MemberRef).publicKey)
    return encodeControlRecord({ type: 'grant', epoch: this.#epoch, key: this.#idOf(held, this.#epoch), grants: this.#grants(held, this.#epoch, to) })
  }

  #nextEpoch (): number {
    if (this.#epoch >= MAX_EPOCH) throw new MembershipError('ERR_MEMBERSHIP_NOT_READY', `pipeline "${this.#scope.pipeline}" used every key epoch; create a new pipeline`)
    return this.#epoch + 1
  }

  /** The epoch key this admin seals the current epoch with (see {@link heldCurrent}), or undefined when it holds none. */
  #establishingKey (): Uint8Array | undefined {
    return this.heldCurrent()?.epochKey
  }

  #idOf (epochKey: Uint8Array, epoch: number): Uint8Array {
    return keyIdOf(epochPayloadKey(epochKey, this.#scope, epoch))
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

/** The control ref of a record: the first {@link CONTROL_REF_BYTES} bytes of its entry id, in hex. */
function refOf16 (idHex: string): string {
  return idHex.slice(0, CONTROL_REF_BYTES * 2).padEnd(CONTROL_REF_BYTES * 2, '0')
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
