import { AEAD_OVERHEAD_BYTES, bytesToHex, isIdentity } from '@pipes/identity'
import { Mutex } from '@pipes/interface'
import { FLAG_ENCRYPTED, FLAG_PERSISTENT } from '../entry-codec.js'
import { EncryptedCodec, PAYLOAD_HEADER_BYTES, staticKeyring } from './encrypted-codec.js'
import { InvalidPipelineArgumentError, KeyUnavailableError, MembershipError, MembershipPendingError, OwnHeadsUnknownError, RemovedAuthorError } from '../errors.js'
import { Membership } from './membership.js'
import { pipelineKeyFromPassphrase, pipelineKeyFromSharedKey } from './pipeline-key.js'
import { publicKeyOf } from './secure-options.js'
import { unref } from '../timers.js'
import type { NodeContext } from '../context.js'
import type { UnsignedEntry } from '../entry-codec.js'
import type { EncodedPayload, KindCodec, KindLog, LogRecord } from '../payload-codec.js'
import type { Keyring, PayloadMeta } from './encrypted-codec.js'
import type { ApplyOutcome, ControlInput, StaleReport } from './membership.js'
import type { KeyScope } from './pipeline-key.js'
import type { ScheduleConfig, SecureConfig } from './secure-options.js'
import type { Identity } from '@pipes/identity'

/** Flags of every entry of an encrypted pipeline. */
const ENCRYPTED_ENTRY_FLAGS = FLAG_PERSISTENT | FLAG_ENCRYPTED
/** Delay before an admin that is not the owner mends the key schedule (the owner goes first). */
const ADMIN_HEAL_DELAY_MS = 3000

const noKeys: Keyring = { current: () => undefined, byId: () => undefined }

/**
 * The codec of the encrypted kind: payloads sealed under the key of an
 * epoch, over a keyring that can change (a passphrase key arrives after
 * scrypt, membership keys with grants). Keys come from a shared secret, or
 * from the pipeline's own control records (member-list mode): entries of
 * epoch 0, which this codec writes, reads back and folds into the
 * membership, and which are not packets.
 */
export class EncryptedKind implements KindCodec {
  readonly flags = FLAG_ENCRYPTED
  readonly overheadBytes = PAYLOAD_HEADER_BYTES + AEAD_OVERHEAD_BYTES
  keyring: Keyring = noKeys
  readonly #ctx: NodeContext
  readonly #name: string
  readonly #scope: KeyScope
  readonly #config: SecureConfig
  readonly #membership: Membership | undefined
  /** The genesis of a created pipeline waits until a restored owner learned its own head here. */
  #genesisWaits = false
  /** Membership work, one piece at a time in arrival order. */
  readonly #control = new Mutex()
  #healTimer: ReturnType<typeof setTimeout> | undefined
  #badGrantsSeen = 0
  #deferred = false
  /** Where the pipeline's events go (`membership-stale`, `rekey-pending`, `rekeyed`); set by the pipeline. */
  events: EventTarget | undefined
  readonly #schedule: ScheduleConfig | undefined
  /** Packets stored in the current epoch, and since when this node knows the epoch (scheduled re-keys). */
  #epochPackets = 0
  #epochSeen = 0
  #epochSince = Date.now()
  #scheduleTimer: ReturnType<typeof setInterval> | undefined
  #rekeyPending = false

  constructor (ctx: NodeContext, name: string, config: SecureConfig) {
    this.#ctx = ctx
    this.#name = name
    this.#config = config
    const scope = { network: ctx.networkId, pipeline: name }
    this.#scope = scope
    if (config.mode === 'create') this.#membership = new Membership(ctx.identity, ctx.identity.publicKey, scope)
    else if (config.mode === 'join') this.#membership = new Membership(ctx.identity, config.owner, scope)
    if (config.mode === 'create' || config.mode === 'join') this.#schedule = config.schedule
    if (this.#membership !== undefined) {
      this.keyring = this.#membership
      this.#membership.onStale = (report) => { this.#stale(report) }
    } else if (config.mode === 'key') this.keyring = staticKeyring(pipelineKeyFromSharedKey(config.key, scope))
  }

  encode (data: Uint8Array, meta: PayloadMeta): EncodedPayload {
    return new EncryptedCodec(this.#scope, this.keyring, ENCRYPTED_ENTRY_FLAGS).encode(data, meta)
  }

  decode (entry: UnsignedEntry): Uint8Array | undefined {
    if (entry.keyEpoch === 0) return undefined
    try {
      return new EncryptedCodec(this.#scope, this.keyring, ENCRYPTED_ENTRY_FLAGS).decode(entry)
    } catch (err) {
      // no key yet, or its author not known to hold it yet: throw, so the entry waits
      if (err instanceof KeyUnavailableError || err instanceof MembershipPendingError) throw err
      // written after its author's removal, or altered: drop and count
      if (err instanceof RemovedAuthorError) this.#ctx.stats.removedWrites++
      else this.#ctx.stats.undecryptable++
      return undefined
    }
  }

  #stale (report: StaleReport): void {
    if (report.behind === 'self') this.#ctx.stats.staleViews++
    else this.#ctx.stats.staleAuthors++
    this.events?.dispatchEvent(new CustomEvent('membership-stale', { detail: { pipeline: this.#name, ...report } }))
  }

  /** How this pipeline gets its keys. */
  get keyMode (): SecureConfig['mode'] { return this.#config.mode }

  /** The current key epoch: 1 for shared-secret pipelines once the key is derived, 0 while this node has none. */
  get epoch (): number {
    if (this.#membership !== undefined) return this.#membership.epoch
    return this.keyring.current()?.epoch ?? 0
  }

  /** The current members (member-list pipelines; empty for shared-secret ones). */
  members (): Identity[] {
    return this.#membership?.members() ?? []
  }

  /** Whether this node holds the key of the current epoch (it can put packets, unless a re-key is pending). */
  get hasKey (): boolean {
    if (this.#membership !== undefined) return this.#membership.heldCurrent() !== undefined
    return this.keyring.current() !== undefined
  }

  /** Whether puts are refused (`ERR_REKEY_PENDING`) until an admin starts a new epoch. */
  get rekeyPending (): boolean { return this.#membership?.rekeyPending ?? false }

  /**
   * Adds a member: it gets the current epoch key (sealed to it, carried on
   * the pipeline). Resolves once the record is durably stored here.
   * @throws {@link MembershipError} `ERR_NOT_ADMIN` unless this identity is the owner or an admin; `ERR_MEMBERSHIP_NOT_READY` before this node holds the current key
   */
  async addMember (identity: Identity, log: KindLog): Promise<void> {
    const membership = this.#memberList('addMember')
    if (!isIdentity(identity)) throw new InvalidPipelineArgumentError('addMember(identity) needs an Identity (with its signed name, e.g. from identityFromJSON): members are shown by name, so an id alone is not enough')
    await log.ready()
    await this.#control.run(async () => { await this.#writeControl(membership.addRecord(identity, this.#schedule?.shareHistory === true), log) })
  }

  /**
   * Removes a member and starts a new epoch whose key is sealed to the
   * remaining members only: the removed member reads nothing sent after.
   * @throws {@link MembershipError} `ERR_NOT_ADMIN`, `ERR_MEMBERSHIP_NOT_READY`, or `ERR_NOT_REMOVABLE` (not a member, or the owner or an admin)
   */
  async removeMember (member: Identity | string, log: KindLog): Promise<void> {
    const membership = this.#memberList('removeMember')
    let key: Uint8Array
    try {
      key = publicKeyOf(member, 'removeMember(member)')
    } catch (err) {
      throw new InvalidPipelineArgumentError((err as Error).message)
    }
    await log.ready()
    // the removal names the last entry of theirs this admin holds: anything they write later is refused
    await this.#control.run(async () => { await this.#writeControl(membership.removeRecord(key, log.store.get(bytesToHex(key))?.durableSeq ?? 0), log) })
  }

  #memberList (what: string): Membership {
    if (this.#membership === undefined) throw new MembershipError('ERR_NOT_ADMIN', `${what}: pipeline "${this.#name}" is keyed by ${this.#config.mode === 'relay' ? 'someone else (this node only relays it)' : 'a shared secret'}; members are whoever holds the secret`)
    return this.#membership
  }

  async open (log: KindLog): Promise<void> {
    if (this.#config.mode === 'passphrase') {
      const key = await pipelineKeyFromPassphrase(this.#config.passphrase, { network: this.#ctx.networkId, pipeline: this.#name })
      this.keyring = staticKeyring(key)
      // entries may have come in by sync while the key was derived (the log is open): they can be opened now
      log.keysChanged()
      return
    }
    const membership = this.#membership
    if (membership === undefined) return
    for await (const e of log.entries()) {
      if (e.entry.keyEpoch === 0) await this.#apply(controlInput(e.entry, e.idHex), log)
    }
    if (this.#config.mode === 'create' && !membership.started) {
      try {
        await this.#writeControl(membership.genesisRecord(this.#config.members, this.#config.admins), log)
      } catch (err) {
        // a restored owner first learns from a peer whether it wrote this genesis elsewhere
        if (!(err instanceof OwnHeadsUnknownError)) throw err
        this.#genesisWaits = true
      }
    }
    this.#maybeHeal(log)
    this.#armSchedule(log)
  }

  ownHeadsLearned (log: KindLog): void {
    const membership = this.#membership
    if (!this.#genesisWaits || membership === undefined || this.#config.mode !== 'create') return
    this.#genesisWaits = false
    const config = this.#config
    // behind the control records that arrived: a genesis learned from a peer is not written again
    void this.#control.run(async () => {
      if (!membership.started) await this.#writeControl(membership.genesisRecord(config.members, config.admins), log)
    }).catch(() => {})
  }

  async restored (log: KindLog): Promise<void> {
    const membership = this.#membership
    if (membership === undefined) return
    // our own control records arrived from a peer and are durable, but the
    // stored hook may not have run (or finished) yet: take them in from the
    // log, then write the genesis if none came (behind, in arrival order)
    await this.#control.run(async () => {
      let changed = false
      for await (const e of log.entries()) {
        if (e.entry.keyEpoch === 0 && (await this.#apply(controlInput(e.entry, e.idHex), log)) === 'applied') changed = true
      }
      if (changed) log.keysChanged()
      if (this.#config.mode === 'create' && !membership.started) {
        this.#genesisWaits = false
        await this.#writeControl(membership.genesisRecord(this.#config.members, this.#config.admins), log)
      }
      if (changed) this.#maybeHeal(log)
    }).catch(() => {})
  }

  stored (entries: readonly LogRecord[], log: KindLog): void {
    const membership = this.#membership
    if (membership === undefined) return
    const control = entries.filter(e => e.entry.keyEpoch === 0)
    if (this.#schedule?.rekeyMessages !== undefined && membership.isAdmin) {
      this.#epochPackets += entries.filter(e => e.entry.keyEpoch === membership.epoch).length
      this.#maybeHeal(log)
    }
    if (control.length === 0) return
    void this.#control.run(async () => {
      let changed = false
      for (const e of control) if ((await this.#apply(controlInput(e.entry, e.idHex), log)) === 'applied') changed = true
      if (changed) { log.keysChanged(); this.#maybeHeal(log) }
    }).catch(() => {})
  }

  async #apply (input: ControlInput, log: KindLog): Promise<ApplyOutcome> {
    const membership = this.#membership as Membership
    const wasStarted = membership.started
    const outcome = await membership.apply(input)
    if (outcome === 'deferred') this.#deferred = true
    if (!wasStarted && membership.started && this.#deferred) {
      // records that arrived before the genesis and did not fit in memory: apply them again from the log
      this.#deferred = false
      for await (const e of log.entries()) {
        if (e.entry.keyEpoch === 0) await this.#apply(controlInput(e.entry, e.idHex), log)
      }
    }
    if (outcome === 'not-admin' || outcome === 'malformed') this.#ctx.stats.controlDropped++
    if (membership.epoch !== this.#epochSeen) {
      this.#epochSeen = membership.epoch
      this.#epochPackets = 0
      this.#epochSince = Date.now()
    }
    if (membership.rekeyPending !== this.#rekeyPending) {
      this.#rekeyPending = membership.rekeyPending
      this.events?.dispatchEvent(new CustomEvent(this.#rekeyPending ? 'rekey-pending' : 'rekeyed', { detail: { pipeline: this.#name, epoch: membership.epoch } }))
    }
    const bad = membership.stats.badGrants
    if (bad > this.#badGrantsSeen) { this.#ctx.stats.controlDropped += bad - this.#badGrantsSeen; this.#badGrantsSeen = bad }
    return outcome
  }

  /** Writes a control record as an entry of epoch 0 and applies it here at once. */
  async #writeControl (payload: Uint8Array, log: KindLog): Promise<void> {
    const put = await log.put(() => ({ payload, keyEpoch: 0 }))
    await this.#apply({ id: put.idHex, author: this.#ctx.self.publicKey, seq: put.seq, time: put.time.time, counter: put.time.counter, payload }, log)
    log.keysChanged()
  }

  /** An admin mends the key schedule after concurrent changes (the owner at once, other admins after a pause). */
  #maybeHeal (log: KindLog): void {
    const membership = this.#membership
    if (membership === undefined || !membership.isAdmin || log.closed() || this.#healTimer !== undefined) return
    const { rekey, missing, backfill } = membership.needs()
    if (!rekey && missing.length === 0 && backfill.length === 0 && !this.#rekeyDue()) return
    const owner = bytesToHex(this.#ctx.self.publicKey) === membership.admins()[0]
    this.#healTimer = setTimeout(() => {
      this.#healTimer = undefined
      if (log.closed()) return
      void this.#control.run(async () => {
        const record = membership.healRecord() ?? (this.#rekeyDue() && membership.hasMember(bytesToHex(this.#ctx.self.publicKey)) ? membership.rekeyRecord() : undefined)
        if (record === undefined) return
        await this.#writeControl(record, log)
        // one record at a time: look again for what is left
        this.#maybeHeal(log)
      }).catch(() => {})
    }, owner ? 0 : ADMIN_HEAL_DELAY_MS)
  }

  /** Whether the room's schedule asks for a new epoch now (`rekeyEvery`). */
  #rekeyDue (): boolean {
    const s = this.#schedule
    if (s === undefined || this.#membership?.started !== true) return false
    if (s.rekeyMessages !== undefined && this.#epochPackets >= s.rekeyMessages) return true
    return s.rekeyMs !== undefined && Date.now() - this.#epochSince >= s.rekeyMs
  }

  /** An admin of a room re-keyed by age looks at the epoch's age now and then. */
  #armSchedule (log: KindLog): void {
    const ms = this.#schedule?.rekeyMs
    if (ms === undefined || this.#membership?.isAdmin !== true || this.#scheduleTimer !== undefined) return
    this.#scheduleTimer = setInterval(() => { this.#maybeHeal(log) }, Math.max(50, Math.ceil(ms / 4)))
    unref(this.#scheduleTimer)
  }

  async close (): Promise<void> {
    clearTimeout(this.#healTimer)
    this.#healTimer = undefined
    clearInterval(this.#scheduleTimer)
    this.#scheduleTimer = undefined
    // after the membership work already asked for
    await this.#control.run(() => {})
  }
}

function controlInput (entry: UnsignedEntry, idHex: string): ControlInput {
  return { id: idHex, author: entry.author, seq: entry.seq, time: entry.time, counter: entry.counter, payload: entry.payload }
}
