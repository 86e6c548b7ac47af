import { bytesToHex, utf8Encode } from '@pipes/identity'
import { Mutex } from '@pipes/interface'
import { SealedRecords } from '../sealed-records.js'
import { Shard } from './shard.js'
import type { SearchHit, ShardSnapshot } from './shard.js'
import type { ChatMessage, ChatRecord } from '../message.js'
import type { LocalIdentity } from '@pipes/identity'
import type { DurableStore, KvOp } from '@pipes/pipeline'

/** Detail of the chat's `search:rebuild` event: a conversation's index is being rebuilt from its log. */
export interface RebuildProgress {
  /** The conversation: `'main'`, `'room:<name>'` or `'private:<peer id>'`. */
  conversation: string
  /** Messages indexed so far. */
  indexed: number
  /** Why: `'missing'` (no index yet for stored messages) or `'damaged'` (a record did not open or parse). */
  reason: 'missing' | 'damaged'
  /** True on the last event of a rebuild. */
  done: boolean
}

/** What the index needs from its chat. */
export interface SearchIndexInit {
  kv: DurableStore
  identity: LocalIdentity
  /** The chat's pipeline name: the index's records live under it. */
  scope: string
  /** The stored records of a conversation, in log order, to rebuild its index from (undefined: none stored). */
  source: (conversation: string) => AsyncIterable<ChatRecord> | undefined
  onProgress: (progress: RebuildProgress) => void
  /** The conversations open in the chat now (searched too, so one whose index was lost is found again). */
  open: () => string[]
}

/** Journal records per shard that make a new snapshot worth writing (at least; a quarter of the shard above that). */
const SNAPSHOT_AFTER = 500
/** Rebuild progress is reported every this many messages. */
const PROGRESS_EVERY = 1000

type JournalRecord = { op: 'put', m: ChatMessage } | { op: 'del', id: string }

interface Loaded {
  shard: Shard
  /** Next journal counter, and the first one not yet folded into a snapshot. */
  next: number
  first: number
}

/**
 * The chat's full-text index, one {@link Shard} per conversation, kept in
 * the node's datastore beside the logs, every record sealed under a key of
 * the local identity (see {@link SealedRecords}): a snapshot of each shard,
 * and a journal of what changed since (one record per message indexed,
 * edited or deleted), folded into a new snapshot once it has grown. A
 * restart loads snapshot and journal (no message is indexed again from the
 * log); a shard that is missing or does not open is rebuilt from its log,
 * with progress reported. Shards load on first use.
 *
 * Keys: `/pipes/chat/<scope hex>/search/{shards, s/<shard hex>, j/<shard hex>/<counter>}`.
 */
export class SearchIndex {
  readonly #init: SearchIndexInit
  readonly #sealed: SealedRecords
  readonly #prefix: string
  readonly #shards = new Map<string, Promise<Loaded>>()
  /** The shards whose load is done (what a write may snapshot: never waits for a load, which may itself wait for the write lock). */
  readonly #loaded = new Map<string, Loaded>()
  /** Shards that have records (or were created empty): a shard not listed has no index yet. */
  #known: Promise<Set<string>> | undefined
  readonly #lock = new Mutex()
  #pending: KvOp[] = []
  /** A write of the pending records is scheduled. */
  #queued = false
  #closed = false

  constructor (init: SearchIndexInit) {
    this.#init = init
    this.#prefix = `/pipes/chat/${bytesToHex(utf8Encode(init.scope))}/search/`
    this.#sealed = new SealedRecords(init.identity, init.scope)
  }

  /** The conversations with an index, loaded or not. */
  async conversations (): Promise<string[]> {
    return [...await this.#knownSet()]
  }

  /** Indexes a delivered message (once: again is a no-op). */
  async add (conversation: string, message: ChatMessage): Promise<void> {
    const loaded = await this.#load(conversation)
    if (loaded.shard.add(message)) this.#journal(loaded, { op: 'put', m: message })
  }

  /** The message as indexed now; undefined when unknown or deleted. */
  async get (conversation: string, id: string): Promise<ChatMessage | undefined> {
    return (await this.#load(conversation)).shard.get(id)
  }

  async isDeleted (conversation: string, id: string): Promise<boolean> {
    return (await this.#load(conversation)).shard.isDeleted(id)
  }

  /** Applies an edit by `by` (the author's id): the edited message, or undefined when it is not theirs or not known. */
  async edit (conversation: string, target: string, by: string, text: string): Promise<ChatMessage | undefined> {
    const loaded = await this.#load(conversation)
    return this.#applyEdit(loaded, target, by, text)
  }

  /** Applies a deletion by `by`: the deleted message, or undefined when it is not theirs or not known. */
  async delete (conversation: string, target: string, by: string): Promise<ChatMessage | undefined> {
    const loaded = await this.#load(conversation)
    return this.#applyDelete(loaded, target, by)
  }

  #applyEdit (loaded: Loaded, target: string, by: string, text: string): ChatMessage | undefined {
    const original = loaded.shard.get(target)
    if (original === undefined || original.senderId !== by) return undefined
    const edited: ChatMessage = { ...original, text, edited: true }
    loaded.shard.put(edited)
    this.#journal(loaded, { op: 'put', m: edited })
    return edited
  }

  #applyDelete (loaded: Loaded, target: string, by: string): ChatMessage | undefined {
    const original = loaded.shard.get(target)
    if (original === undefined || original.senderId !== by) return undefined
    loaded.shard.remove(target)
    this.#journal(loaded, { op: 'del', id: target })
    return original
  }

  /** Ranked hits in the given conversations (every indexed one when undefined), best first. */
  async search (query: string, conversations: readonly string[] | undefined, keep: (m: ChatMessage) => boolean, limit: number): Promise<SearchHit[]> {
    const names = conversations ?? [...new Set([...await this.#knownSet(), ...this.#init.open()])]
    const hits: SearchHit[] = []
    for (const name of names) {
      const loaded = await this.#load(name)
      for (const hit of loaded.shard.search(query, keep)) hits.push(hit)
    }
    hits.sort((a, b) => b.score - a.score || b.message.timestamp - a.message.timestamp)
    return hits.slice(0, limit)
  }

  /** Finds a message in any conversation: where it is and how it is now. */
  async find (id: string): Promise<{ conversation: string, message: ChatMessage } | undefined> {
    for (const name of await this.#knownSet()) {
      const message = (await this.#load(name)).shard.get(id)
      if (message !== undefined) return { conversation: name, message }
    }
    return undefined
  }

  /**
   * Writes what is pending, and a snapshot of each shard with a journal of
   * more than {@link SNAPSHOT_AFTER} records: closing pays for it, so the
   * next start loads a snapshot instead of replaying a long journal.
   */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#write()
    await this.#lock.run(async () => {
      const ops: KvOp[] = []
      for (const loaded of this.#loaded.values()) if (loaded.next - loaded.first > SNAPSHOT_AFTER) this.#snapshotOps(loaded, ops)
      if (ops.length > 0) await this.#init.kv.batch(ops, { sync: false })
    }).catch(() => {})
  }

  #shardHex (name: string): string {
    return bytesToHex(utf8Encode(name))
  }

  #journalKey (name: string, n: number): string {
    return `${this.#prefix}j/${this.#shardHex(name)}/${n.toString(16).padStart(12, '0')}`
  }

  async #knownSet (): Promise<Set<string>> {
    this.#known ??= (async () => {
      const key = `${this.#prefix}shards`
      const [value] = await this.#init.kv.getMany([key])
      if (value === undefined) return new Set<string>()
      try {
        const list = this.#sealed.open(key, value)
        if (Array.isArray(list)) return new Set(list.filter((x): x is string => typeof x === 'string'))
      } catch {
        // a damaged list: every shard is found again as it is used
      }
      return new Set<string>()
    })()
    return await this.#known
  }

  #load (name: string): Promise<Loaded> {
    let p = this.#shards.get(name)
    if (p === undefined) {
      p = this.#open(name).then(loaded => { this.#loaded.set(name, loaded); return loaded })
      this.#shards.set(name, p)
      // a failed load (store closed) is tried again on next use
      p.catch(() => { if (this.#shards.get(name) === p) this.#shards.delete(name) })
    }
    return p
  }

  /** Loads a shard: its snapshot and journal; rebuilt from the log when missing or damaged. */
  async #open (name: string): Promise<Loaded> {
    const known = await this.#knownSet()
    const snapshotKey = `${this.#prefix}s/${this.#shardHex(name)}`
    const journalPrefix = `${this.#prefix}j/${this.#shardHex(name)}/`
    const [snapshot] = await this.#init.kv.getMany([snapshotKey])
    const journal: Array<{ key: string, value: Uint8Array }> = []
    for await (const row of this.#init.kv.scan(journalPrefix)) journal.push(row)
    if (snapshot === undefined && journal.length === 0 && !known.has(name)) return await this.#rebuild(name, 'missing', [])
    try {
      const shard = new Shard(name, snapshot === undefined ? undefined : this.#sealed.open(snapshotKey, snapshot) as ShardSnapshot)
      let last = -1
      for (const { key, value } of journal) {
        applyRecord(shard, this.#sealed.open(key, value) as JournalRecord)
        last = parseInt(key.slice(journalPrefix.length), 16)
      }
      const first = journal.length === 0 ? 0 : parseInt((journal[0] as { key: string }).key.slice(journalPrefix.length), 16)
      return { shard, next: last + 1, first }
    } catch {
      return await this.#rebuild(name, 'damaged', journal.map(r => r.key))
    }
  }

  /** Indexes a conversation again from its log, reporting progress; its old records are replaced in one batch. */
  async #rebuild (name: string, reason: RebuildProgress['reason'], stale: string[]): Promise<Loaded> {
    const shard = new Shard(name)
    const loaded: Loaded = { shard, next: 0, first: 0 }
    const source = this.#init.source(name)
    // not open here (a room not joined since the restart): nothing to index it from yet
    if (source === undefined) return loaded
    let indexed = 0
    {
      for await (const record of source) {
        if (record.kind === 'message') {
          if (shard.add(record.message) && ++indexed % PROGRESS_EVERY === 0) this.#init.onProgress({ conversation: name, indexed, reason, done: false })
        } else if (record.kind === 'edit') {
          const original = shard.get(record.target)
          if (original?.senderId === record.message.senderId) shard.put({ ...original, text: record.message.text, edited: true })
        } else {
          if (shard.get(record.target)?.senderId === record.message.senderId) shard.remove(record.target)
        }
      }
    }
    const known = await this.#knownSet()
    known.add(name)
    await this.#lock.run(async () => {
      const ops: KvOp[] = stale.map(key => ({ key }))
      this.#snapshotOps(loaded, ops)
      ops.push(this.#knownOp(known))
      await this.#init.kv.batch(ops, { sync: false })
    })
    if (indexed > 0 || reason === 'damaged') this.#init.onProgress({ conversation: name, indexed, reason, done: true })
    return loaded
  }

  #knownOp (known: Set<string>): KvOp {
    const key = `${this.#prefix}shards`
    return { key, value: this.#sealed.seal(key, [...known]) }
  }

  /** Adds the ops of a new snapshot of `loaded`, with the journal records it folds in deleted. */
  #snapshotOps (loaded: Loaded, ops: KvOp[]): void {
    const name = loaded.shard.name
    const key = `${this.#prefix}s/${this.#shardHex(name)}`
    ops.push({ key, value: this.#sealed.seal(key, loaded.shard.toJSON()) })
    for (let n = loaded.first; n < loaded.next; n++) ops.push({ key: this.#journalKey(name, n) })
    loaded.first = loaded.next
  }

  /** Queues a journal record (written with the next flush, a moment later). */
  #journal (loaded: Loaded, record: JournalRecord): void {
    const key = this.#journalKey(loaded.shard.name, loaded.next++)
    this.#pending.push({ key, value: this.#sealed.seal(key, record) })
    void this.#knownSet().then(known => {
      if (known.has(loaded.shard.name)) return
      known.add(loaded.shard.name)
      this.#pending.push(this.#knownOp(known))
    })
    if (this.#queued) return
    this.#queued = true
    setTimeout(() => { void this.#write() }, 0)
  }

  /** Writes the pending journal records in one batch, then snapshots the shards whose journal has grown. */
  async #write (): Promise<void> {
    this.#queued = false
    await this.#lock.run(async () => {
      if (this.#pending.length > 0) {
        const ops = this.#pending
        this.#pending = []
        await this.#init.kv.batch(ops, { sync: false })
      }
      const ops: KvOp[] = []
      for (const loaded of this.#loaded.values()) {
        if (loaded.next - loaded.first >= Math.max(SNAPSHOT_AFTER, loaded.shard.size / 4)) this.#snapshotOps(loaded, ops)
      }
      if (ops.length > 0) await this.#init.kv.batch(ops, { sync: false })
    }).catch(() => {
      // the store is closing or failed: the journal is replayed from what landed; a lost record is found again by a rebuild
    })
  }
}

function applyRecord (shard: Shard, record: JournalRecord): void {
  if (record.op === 'put') shard.put(record.m)
  else if (record.op === 'del') shard.remove(record.id)
  else throw new Error('unknown journal record')
}
