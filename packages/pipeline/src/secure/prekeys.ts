import { bytesToHex, equalBytes, randomBytes, x25519PublicKey } from '@pipes/identity'
import { concat, utf8 } from '../bytes.js'
import { sha256 } from '../sha256.js'
import { usableKey } from './pair-ratchet.js'
import type { NodeContext } from '../context.js'
import type { PersistentPipeline } from '../persistent-pipeline.js'
import type { MailboxKind } from './mailbox/mailbox-kind.js'
import type { MailboxConfig } from './mailbox/retention.js'
import type { Packet } from '../types.js'

/** The first bytes of a prekey record's payload (public: a prekey is no secret). */
export const PREKEY_MARKER = sha256(utf8('pipes/p2p/prekey/v1')).subarray(0, 16)
/** Bytes of a prekey record: the marker and the X25519 public key. */
export const PREKEY_RECORD_BYTES = PREKEY_MARKER.length + 32
/** Where our prekey secrets are kept: `<prefix><public hex>` = created time (8 bytes) || secret. */
const SECRET_PREFIX = '/pipes/p2pk/'

/** Whether a mailbox payload is a prekey record; its key if so. */
function prekeyOf (payload: Uint8Array): Uint8Array | undefined {
  if (payload.length !== PREKEY_RECORD_BYTES || !equalBytes(payload.subarray(0, PREKEY_MARKER.length), PREKEY_MARKER)) return undefined
  return payload.slice(PREKEY_MARKER.length)
}

/**
 * Signed prekeys of point-to-point pipelines, so the first envelopes to a
 * peer that has never written to us are not sealed to its identity key.
 * A prekey record is an entry of its identity's own mailbox log (signed
 * by it, carried and stored by every node like any envelope, so an offline
 * recipient can be written to): the marker and an X25519 public key. This
 * node publishes one when it opens its first point-to-point pipeline and
 * none of its own is younger than half the retention (it expires with the
 * mailbox's retention); it keeps each secret until every envelope that can
 * name it has expired (the retention after the next one replaced it), then
 * deletes it, which is when the first flights sealed to it become forward
 * secret. It follows the newest record of every author in the mailbox.
 */
export class Prekeys {
  readonly #ctx: NodeContext
  readonly #mailbox: PersistentPipeline
  readonly #kind: MailboxKind
  readonly #config: MailboxConfig
  /** Ours: public hex -> secret and when it was made. */
  readonly #secrets = new Map<string, { secret: Uint8Array, created: number }>()
  /** Newest prekey of each author seen in the mailbox. */
  readonly #newest = new Map<string, { key: Uint8Array, seq: number }>()
  readonly #ready: Promise<void>
  readonly #onPacket = (p: Packet): void => {
    const key = prekeyOf(p.data)
    if (key === undefined) return
    try {
      usableKey(key)
    } catch {
      // a small-order key: writing to it would fail; its author's first flights go to its identity key
      this.#ctx.stats.undecryptable++
      return
    }
    const author = bytesToHex(p.sender.publicKey)
    if ((this.#newest.get(author)?.seq ?? 0) < p.seq) this.#newest.set(author, { key, seq: p.seq })
  }

  constructor (ctx: NodeContext, mailbox: PersistentPipeline, kind: MailboxKind, config: MailboxConfig) {
    this.#ctx = ctx
    this.#mailbox = mailbox
    this.#kind = kind
    this.#config = config
    this.#ready = this.#open()
    this.#ready.catch(() => {})
  }

  /** Resolves once our secrets are loaded, the mailbox's records read, and a fresh prekey of ours published (when due). */
  async ready (): Promise<void> { await this.#ready }

  async #open (): Promise<void> {
    for await (const { key, value } of this.#ctx.kv.scan(SECRET_PREFIX)) {
      if (value.length !== 8 + 32) continue
      const created = Number(new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0))
      this.#secrets.set(key.slice(SECRET_PREFIX.length), { secret: value.slice(8), created })
    }
    await this.#mailbox.addPacketListener(this.#onPacket, { replay: true })
    const now = this.#config.now()
    const rotate = this.#config.retentionMs / 2
    let newest = 0
    for (const { created } of this.#secrets.values()) newest = Math.max(newest, created)
    // every envelope naming a prekey replaced longer than the retention ago has expired: its secret goes
    const gone = [...this.#secrets].filter(([, s]) => s.created < now - rotate - this.#config.retentionMs)
    for (const [hex] of gone) this.#secrets.delete(hex)
    if (gone.length > 0) await this.#ctx.committer.write(gone.map(([hex]) => ({ key: SECRET_PREFIX + hex }))).catch(() => {})
    if (this.#config.prekeys && newest < now - rotate) await this.#publish(now)
  }

  async #publish (now: number): Promise<void> {
    const secret = randomBytes(32)
    const key = x25519PublicKey(secret)
    const value = new Uint8Array(8 + 32)
    new DataView(value.buffer).setBigUint64(0, BigInt(now))
    value.set(secret, 8)
    // the secret is durable before the record that names it
    await this.#ctx.committer.write([{ key: SECRET_PREFIX + bytesToHex(key), value }])
    this.#secrets.set(bytesToHex(key), { secret, created: now })
    try {
      await this.#kind.put(() => ({ payload: concat(PREKEY_MARKER, key), keyEpoch: 0 }))
    } catch {
      // over quota, or the node stopping: peers write to our identity key until a later open publishes one
    }
  }

  /** The newest prekey an identity published that this node holds, if any. */
  prekeyOf (publicKey: Uint8Array): Uint8Array | undefined {
    return this.#newest.get(bytesToHex(publicKey))?.key
  }

  /** Our secret of one of our prekeys, while it is kept. */
  secretOf (prekey: Uint8Array): Uint8Array | undefined {
    return this.#secrets.get(bytesToHex(prekey))?.secret
  }

  close (): void {
    this.#mailbox.removePacketListener(this.#onPacket)
  }
}
