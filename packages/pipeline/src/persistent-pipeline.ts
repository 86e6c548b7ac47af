import { plainCodec } from './payload-codec.js'
import { StoredPipeline } from './stored-pipeline.js'
import type { NodeContext } from './context.js'
import type { KindCodec } from './payload-codec.js'

/**
 * Persistent pipeline: the stored pipeline over the plain codec. Every
 * entry is stored in the node's datastore before it is delivered or served;
 * peers fill each other's gaps with the sync protocol. Listeners get each
 * entry once, in per-author order, across restarts (a delivered watermark
 * per author is stored). The node's mailbox is one over the mailbox kind.
 */
export class PersistentPipeline extends StoredPipeline {
  readonly kind = 'persistent' as const

  /** `codec`: plain, or the mailbox kind for the node's mailbox. */
  constructor (ctx: NodeContext, name: string, maxPacketBytes: number, codec: KindCodec = plainCodec) {
    super(ctx, name, maxPacketBytes, codec)
  }
}
