/**
 * What a chat app needs of the network, so it never reaches through
 * `chat.node` (beyond the tutorial): addresses, dial, peers, going offline
 * and back, the node's counters, and the node's peer events as the chat's.
 */
import { TypedEventTarget } from '@pipes/interface'
import { ChatNotConnectedError } from './errors.js'
import type { ChatEvents } from './chat-options.js'
import type { PlatformNode, PlatformNodeStats } from '@pipes/platform'

/** The network half of `Chat` (its base class). */
export abstract class ChatNetwork extends TypedEventTarget<ChatEvents> {
  /** The node, once `connectToNetwork` ran (tutorial: `self.node`). */
  node: PlatformNode | undefined = undefined

  readonly #onPeerJoined = (e: CustomEvent<string>): void => { this.emit('peer:joined', e.detail) }
  readonly #onPeerLeft = (e: CustomEvent<string>): void => { this.emit('peer:left', e.detail) }

  /** Passes the node's `peer:joined` / `peer:left` on as the chat's. */
  protected followPeers (node: PlatformNode): void {
    node.addEventListener('peer:joined', this.#onPeerJoined)
    node.addEventListener('peer:left', this.#onPeerLeft)
  }

  protected unfollowPeers (node: PlatformNode): void {
    node.removeEventListener('peer:joined', this.#onPeerJoined)
    node.removeEventListener('peer:left', this.#onPeerLeft)
  }

  /** Addresses other users can `dial` to reach this one (multiaddrs ending in `/p2p/<id>`); empty while offline. */
  addresses (): string[] {
    return this._node().addresses()
  }

  /** Ids of the peers connected now. */
  peers (): string[] {
    return this._node().peers()
  }

  /**
   * Connects to another user's node: one of its `addresses()` or its id
   * (networks without discovery, like `'local'`, need one dial).
   * @throws `ERR_NOT_CONNECTED` while offline (after `disconnect()`)
   */
  async dial (address: string): Promise<void> {
    await this._node().dial(address)
  }

  /**
   * Goes offline: connections close, nothing is lost. Messages sent
   * meanwhile are stored and go out on `reconnect()`.
   */
  async disconnect (): Promise<void> {
    await this._node().disconnect()
  }

  /** Goes back online after `disconnect()`: missed messages arrive, stored ones go out. */
  async reconnect (): Promise<void> {
    await this._node().connect()
  }

  /** The node's counters: connection, peers, and the pipeline layer's (stored, undecryptable, rejects, ...). */
  networkStats (): PlatformNodeStats {
    return this._node().stats()
  }

  protected _node (): PlatformNode {
    if (this.node === undefined) throw new ChatNotConnectedError()
    return this.node
  }
}
