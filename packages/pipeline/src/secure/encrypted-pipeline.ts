import { StoredPipeline } from '../stored-pipeline.js'
import { EncryptedKind } from './encrypted-kind.js'
import type { NodeContext } from '../context.js'
import type { SecureConfig } from './secure-options.js'
import type { Identity } from '@pipes/identity'

/**
 * An encrypted pipeline: the stored pipeline over the encrypted kind's codec
 * ({@link EncryptedKind}), which seals payloads under the key of an epoch
 * and keeps the membership records in the log. Nodes without a key store,
 * check and relay the entries; entries whose key has not arrived wait in the
 * store and are delivered, in per-author order, when it does. This class
 * only adds the member API; every call goes to the codec.
 */
export class EncryptedPipelineImpl extends StoredPipeline {
  readonly kind = 'encrypted' as const
  readonly #codec: EncryptedKind

  constructor (ctx: NodeContext, name: string, maxPacketBytes: number, config: SecureConfig) {
    const codec = new EncryptedKind(ctx, name, config)
    super(ctx, name, maxPacketBytes, codec)
    this.#codec = codec
    codec.events = this
  }

  /** How this pipeline gets its keys. */
  get keyMode (): SecureConfig['mode'] { return this.#codec.keyMode }

  /** The current key epoch: 1 for shared-secret pipelines once the key is derived, 0 while this node has none. */
  get epoch (): number { return this.#codec.epoch }

  /** The current members (member-list pipelines; empty for shared-secret ones). */
  members (): Identity[] { return this.#codec.members() }

  /** Whether this node holds the key of the current epoch (it can put packets). */
  get hasKey (): boolean { return this.#codec.hasKey }

  /** Whether puts are refused (`ERR_REKEY_PENDING`) until an admin starts a new epoch. */
  get rekeyPending (): boolean { return this.#codec.rekeyPending }

  /** Adds a member (see {@link EncryptedKind.addMember}); resolves once the record is durably stored here. */
  async addMember (identity: Identity): Promise<void> {
    await this.#codec.addMember(identity, this.stored.kindLog)
  }

  /** Removes a member and starts a new epoch (see {@link EncryptedKind.removeMember}). */
  async removeMember (member: Identity | string): Promise<void> {
    await this.#codec.removeMember(member, this.stored.kindLog)
  }
}
