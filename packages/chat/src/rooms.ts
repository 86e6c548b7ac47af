/**
 * The rooms of one chat: `createRoom` and `joinRoom` open an encrypted
 * pipeline per room (see `room.ts`); this keeps them by name.
 */
import { InvalidSecureOptionError, PipelineExistsError } from '@pipes/pipeline'
import { InvalidRoomError } from './errors.js'
import { identityOf, Room, ROOM_NAME } from './room.js'
import { describeInput } from './users.js'
import type { MessageMarks } from './message.js'
import type { StateCache } from './state-cache.js'
import type { UserRef } from './users.js'
import type { Identity, LocalIdentity } from '@pipes/identity'
import type { EncryptedOptions, EncryptedPipeline, Packet } from '@pipes/pipeline'
import type { PlatformNode } from '@pipes/platform'

/**
 * Options of `Chat.createRoom`: the room's first members and its
 * admins, each an `Identity` or its JSON (`identity.toJSON()`, object or
 * text). The creator owns the room and is always a member.
 */
export interface CreateRoomOptions {
  members: ReadonlyArray<Identity | UserRef>
  /** Members who may add and remove members too (fixed for the room's life). */
  admins?: ReadonlyArray<Identity | UserRef>
}

/**
 * Options of `Chat.joinRoom`, exactly one of:
 * `{ owner }`: a member-list room created by `owner` (an `Identity`, its
 * JSON or its id); messages flow once an admin has added this user.
 * `{ passphrase }`: a room whose members share a passphrase.
 * `{ key }`: a room whose members share 32 random bytes.
 */
export type JoinRoomOptions = { owner: Identity | UserRef } | { passphrase: string } | { key: Uint8Array }

/** What the rooms need from their chat. */
export interface RoomsInit {
  node: PlatformNode
  identity: LocalIdentity
  /** The chat's pipeline name: room pipelines are `<base>.room.<name>`. */
  baseName: string
  onPacket: (packet: Packet, marks: MessageMarks) => void
  onSent: () => void
  /** A room was opened (the state cache remembers how, to open it again after a restart). */
  onOpened: (name: string, options: EncryptedOptions) => void
}

/** The rooms a chat has open. */
export class Rooms {
  readonly #init: RoomsInit
  readonly #rooms = new Map<string, Room>()

  constructor (init: RoomsInit) {
    this.#init = init
  }

  async create (name: string, options: CreateRoomOptions): Promise<Room> {
    if (options === null || typeof options !== 'object' || !Array.isArray(options.members)) throw new InvalidRoomError('createRoom(name, { members }) needs members: an array of identities (use joinRoom for a passphrase room)')
    const self = this.#init.identity
    const members = await identities(options.members, 'members')
    const admins = await identities(options.admins ?? [], 'admins')
    return await this.open(name, { members: members.filter(m => m.id !== self.id), admins: admins.filter(m => m.id !== self.id) })
  }

  async join (name: string, options: JoinRoomOptions): Promise<Room> {
    const self = this.#init.identity
    const o = (options ?? {}) as Partial<Record<'owner' | 'passphrase' | 'key', unknown>>
    const given = (['owner', 'passphrase', 'key'] as const).filter(k => o[k] !== undefined)
    if (given.length !== 1) throw new InvalidRoomError(`joinRoom(name, options) needs exactly one of owner, passphrase, key (got ${given.length === 0 ? 'none' : given.join(', ')})`)
    if (o.owner !== undefined) {
      const owner = typeof o.owner === 'string' && !o.owner.trimStart().startsWith('{') ? o.owner : (await identityOf(o.owner, 'joinRoom owner')).id
      if (owner === self.id) throw new InvalidRoomError(`this user owns room "${name}": open it with createRoom`)
      return await this.open(name, { owner })
    }
    return await this.open(name, o.passphrase !== undefined ? { passphrase: o.passphrase as string } : { key: o.key as Uint8Array })
  }

  get (name: string): Room | undefined {
    return this.#rooms.get(name)
  }

  all (): Room[] {
    return [...this.#rooms.values()]
  }

  /** Opens the room's encrypted pipeline with `encrypted` (or returns it, already open with the same options). */
  async open (name: string, encrypted: EncryptedOptions): Promise<Room> {
    if (typeof name !== 'string' || !ROOM_NAME.test(name)) throw new InvalidRoomError(`room names are 1 to 64 letters, digits and . _ - : # @ + =, got ${describeInput(name)}`)
    let pipeline: EncryptedPipeline
    try {
      pipeline = this.#init.node.createPipeline({ name: `${this.#init.baseName}.room.${name}`, encrypted })
    } catch (err) {
      if (err instanceof PipelineExistsError) throw new InvalidRoomError(`room "${name}" is already open here with other keys (member list, passphrase or key): use chat.room("${name}")`)
      if (err instanceof InvalidSecureOptionError) throw new InvalidRoomError(err.message)
      throw err
    }
    const open = this.#rooms.get(name)
    if (open?.pipeline === pipeline) return open
    // history() waits for the pipeline's store to open: a created room has
    // then written its member list, a passphrase room derived its key
    for await (const _ of pipeline.history()) break
    const again = this.#rooms.get(name)
    if (again?.pipeline === pipeline) return again
    const room = new Room({
      name,
      pipeline,
      identity: this.#init.identity,
      onPacket: this.#init.onPacket,
      onSent: this.#init.onSent
    })
    this.#rooms.set(name, room)
    this.#init.onOpened(name, encrypted)
    return room
  }

  /** Opens again the rooms the state cache remembers (one that no longer opens is left for the app). */
  async reopen (cache: StateCache): Promise<void> {
    await cache.load()
    for (const { name, options } of await cache.rooms()) {
      try {
        await this.open(name, options)
      } catch {
        // its options were refused (e.g. a room now open another way)
      }
    }
  }

  close (): void {
    for (const room of this.#rooms.values()) room.close()
    this.#rooms.clear()
  }
}

async function identities (list: unknown, what: string): Promise<Identity[]> {
  if (!Array.isArray(list)) throw new InvalidRoomError(`${what} must be an array of identities, got ${describeInput(list)}`)
  const out = new Map<string, Identity>()
  for (const [i, m] of list.entries()) {
    const identity = await identityOf(m, `${what}[${i}]`)
    out.set(identity.id, identity)
  }
  return [...out.values()]
}
