import type { PlatformNode } from './platform-node.js'
import type { LocalIdentity } from '@pipes/identity'
import type { NetworkConfig } from '@pipes/transport'

/**
 * A configured network, as returned by `api.networkWithId(id)`: the tutorial's
 * `network`. It makes nodes; it holds no connection itself.
 */
export class Network {
  /** The network id (part of every topic and protocol id on it). */
  readonly id: string
  /** A copy of the network's config. */
  readonly config: Readonly<NetworkConfig>
  readonly #makeNode: (identity: LocalIdentity) => Promise<PlatformNode>

  /** @internal Use `api.networkWithId(id)`. */
  constructor (config: NetworkConfig, makeNode: (config: NetworkConfig, identity: LocalIdentity) => Promise<PlatformNode>) {
    this.id = config.id
    this.config = Object.freeze(structuredClone(config))
    this.#makeNode = (identity) => makeNode(config, identity)
  }

  /**
   * The node of `identity` on this network, created on first use with its
   * store under `<apiPath>/nodes/<networkId>/<peerId>/`. Asking again returns
   * the same `PlatformNode` until `api.close()`. The node is not connected yet: create
   * pipelines, then `await node.connect()`.
   */
  async nodeWithIdentity (identity: LocalIdentity): Promise<PlatformNode> {
    return this.#makeNode(identity)
  }
}
