/**
 * Private chat (the tutorial's "Private Chat"): one point-to-point pipeline
 * per pair of users, plus the introductions pipeline that tells a user who
 * opened a conversation with them (see `introduction.ts`).
 */
import { bytesToHex, publicKeyFromPeerId, sha256, utf8Encode } from '@pipes/identity'
import { encodeIntroduction, openIntroduction } from './introduction.js'
import type { UserKey } from './users.js'
import type { LocalIdentity } from '@pipes/identity'
import type { Packet, Pipeline, PointToPointPipeline } from '@pipes/pipeline'
import type { PlatformNode } from '@pipes/platform'

/** What {@link PrivateChats} needs from its chat. */
export interface PrivateChatsInit {
  node: PlatformNode
  identity: LocalIdentity
  /** The chat's pipeline name, the prefix of every private pipeline's. */
  baseName: string
  /** Called for every packet of every conversation (the user's own included), with the other user's id. */
  onPacket: (packet: Packet, peerId: string) => void
  /** Called for each introduction that is addressed to this user and malformed. */
  onMalformed: () => void
}

/**
 * The name both ends give the point-to-point pipeline of a pair: derived
 * from both keys (sorted), so each end computes the same one. It never goes
 * on the wire; it keys the pair's envelopes.
 */
export function privatePipelineName (baseName: string, a: Uint8Array, b: Uint8Array): string {
  const [x, y] = [bytesToHex(a), bytesToHex(b)].sort()
  return `${baseName}.dm.${bytesToHex(sha256(utf8Encode(`${x}:${y}`))).slice(0, 40)}`
}

/** The private conversations of one chat. */
export class PrivateChats {
  /** The introductions pipeline (`<baseName>.intro`). */
  readonly introductions: Pipeline
  readonly #init: PrivateChatsInit
  readonly #conversations = new Map<string, PointToPointPipeline>()
  /** Peers with an introduction on the log: seen, or being written by us. */
  readonly #introduced = new Map<string, Promise<void>>()
  readonly #ready: Promise<void>
  readonly #listeners = new Map<PointToPointPipeline, (packet: Packet) => void>()
  #closed = false

  constructor (init: PrivateChatsInit) {
    this.#init = init
    const name = `${init.baseName}.intro`
    this.introductions = init.node.pipelineNamed(name) ?? init.node.createPipeline({ name, persistent: true })
    // listener first, then the stored ones: an introduction stored meanwhile is seen at least once
    this.introductions.addPacketListener(this.#onIntroduction)
    this.#ready = this.#scan().catch(() => {})
  }

  async #scan (): Promise<void> {
    for await (const packet of this.introductions.history()) this.#onIntroduction(packet)
  }

  readonly #onIntroduction = (packet: Packet): void => {
    if (this.#closed) return
    const found = openIntroduction(this.#init.identity, packet)
    if (found === undefined) return
    if (found === 'malformed') {
      this.#init.onMalformed()
      return
    }
    if (!this.#introduced.has(found.peer)) this.#introduced.set(found.peer, Promise.resolve())
    this.conversation({ id: found.peer, publicKey: publicKeyFromPeerId(found.peer) })
  }

  /** The pipeline of the conversation with `peer`, created (and listened to) on first use. */
  conversation (peer: UserKey): PointToPointPipeline {
    const existing = this.#conversations.get(peer.id)
    if (existing !== undefined) return existing
    const { node, identity, baseName } = this.#init
    const name = privatePipelineName(baseName, identity.publicKey, peer.publicKey)
    // Returns the node's existing pipeline when one with these options is already there.
    const pipeline = node.createPipeline({ name, peer: peer.id })
    const listener = (packet: Packet): void => { this.#init.onPacket(packet, peer.id) }
    pipeline.addPacketListener(listener)
    this.#listeners.set(pipeline, listener)
    this.#conversations.set(peer.id, pipeline)
    return pipeline
  }

  /** Ids of the users this user has a private conversation with (known so far). */
  peers (): string[] {
    return [...this.#conversations.keys()]
  }

  /**
   * Puts `data` on the conversation with `to`, introducing this user to them
   * first if no introduction is on the log yet. Resolves once stored locally.
   */
  async send (to: UserKey, data: Uint8Array): Promise<Packet> {
    await this.#ready
    const pipeline = this.conversation(to)
    await this.#introduce(to)
    return pipeline.putPacket(data)
  }

  async #introduce (to: UserKey): Promise<void> {
    let written = this.#introduced.get(to.id)
    if (written === undefined) {
      written = this.introductions.putPacket(encodeIntroduction(this.#init.identity, to)).then(() => {})
      this.#introduced.set(to.id, written)
      // a failed write (e.g. node closing) is tried again with the next message
      written.catch(() => { if (this.#introduced.get(to.id) === written) this.#introduced.delete(to.id) })
    }
    await written
  }

  /** Stops delivering to the chat. */
  close (): void {
    this.#closed = true
    this.introductions.removePacketListener(this.#onIntroduction)
    for (const [pipeline, listener] of this.#listeners) pipeline.removePacketListener(listener)
    this.#listeners.clear()
  }
}

