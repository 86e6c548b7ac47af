import { bytesToHex, hexToBytes, utf8Encode } from '@pipes/identity'
import { SealedRecords } from './sealed-records.js'
import { toIdentity } from './users.js'
import type { Identity, IdentityJSON, LocalIdentity } from '@pipes/identity'
import type { DurableStore, EncryptedOptions } from '@pipes/pipeline'

/** How a room was opened, as the cache keeps it (sealed: it may hold the room's secret). */
type CachedRoom =
  | { name: string, owner: string }
  | { name: string, passphrase: string }
  | { name: string, key: string }
  | { name: string, members: IdentityJSON[], admins: IdentityJSON[] }

interface CachedState {
  v: 1
  rooms: CachedRoom[]
  /** Conversation name to the id of the last message the user read there. */
  read: Record<string, string>
}

/**
 * The chat's state in `apiPath` beside its logs: the rooms it has open (and
 * how to open them again) and the read markers, so a restarted chat opens
 * its rooms by itself and a UI shows where the user left off before the
 * network is reached. One record, sealed like the search index.
 *
 * Key: `/pipes/chat/<scope hex>/state`.
 */
export class StateCache {
  readonly #kv: DurableStore
  readonly #sealed: SealedRecords
  readonly #key: string
  #state: CachedState = { v: 1, rooms: [], read: {} }
  #writing: Promise<void> = Promise.resolve()

  constructor (kv: DurableStore, identity: LocalIdentity, scope: string) {
    this.#kv = kv
    this.#sealed = new SealedRecords(identity, scope)
    this.#key = `/pipes/chat/${bytesToHex(utf8Encode(scope))}/state`
  }

  /** Loads the cached state; a record that does not open is dropped (rooms are then joined again by the app). */
  async load (): Promise<void> {
    const [value] = await this.#kv.getMany([this.#key])
    if (value === undefined) return
    try {
      const state = this.#sealed.open(this.#key, value) as CachedState
      if (state?.v === 1 && Array.isArray(state.rooms) && state.read !== null && typeof state.read === 'object') this.#state = state
    } catch {
      // damaged: start empty
    }
  }

  /** The rooms to open again, with the options they were opened with. */
  async rooms (): Promise<Array<{ name: string, options: EncryptedOptions }>> {
    const out: Array<{ name: string, options: EncryptedOptions }> = []
    for (const r of this.#state.rooms) {
      try {
        if ('owner' in r) out.push({ name: r.name, options: { owner: r.owner } })
        else if ('passphrase' in r) out.push({ name: r.name, options: { passphrase: r.passphrase } })
        else if ('key' in r) out.push({ name: r.name, options: { key: hexToBytes(r.key) } })
        else out.push({ name: r.name, options: { members: await Promise.all(r.members.map(toIdentity)), admins: await Promise.all(r.admins.map(toIdentity)) } })
      } catch {
        // a room whose record does not check is left for the app to open
      }
    }
    return out
  }

  /** Remembers how a room was opened. */
  roomOpened (name: string, options: EncryptedOptions): void {
    let room: CachedRoom | undefined
    if ('owner' in options) room = { name, owner: typeof options.owner === 'string' ? options.owner : options.owner.id }
    else if ('passphrase' in options) room = { name, passphrase: options.passphrase }
    else if ('key' in options) room = { name, key: bytesToHex(options.key) }
    else if ('members' in options) room = { name, members: options.members.map(jsonOf), admins: (options.admins ?? []).map(jsonOf) }
    if (room === undefined) return
    this.#state.rooms = [...this.#state.rooms.filter(r => r.name !== name), room]
    this.#save()
  }

  /** The id of the last message read in a conversation. */
  readMarker (conversation: string): string | undefined {
    return this.#state.read[conversation]
  }

  markRead (conversation: string, id: string): void {
    this.#state.read[conversation] = id
    this.#save()
  }

  /** Resolves once every change so far is written. */
  async flush (): Promise<void> {
    await this.#writing
  }

  #save (): void {
    const value = this.#sealed.seal(this.#key, this.#state)
    this.#writing = this.#writing.then(async () => { await this.#kv.batch([{ key: this.#key, value }], { sync: false }) }).catch(() => {})
  }
}

function jsonOf (identity: Identity): IdentityJSON {
  return identity.toJSON()
}
