import { BasePipeline } from './base-pipeline.js'
import { FLAG_PERSISTENT } from './entry-codec.js'
import { StoredParts } from './stored-parts.js'
import type { NodeContext } from './context.js'
import type { HistoryOptions } from './log/time-index.js'
import type { KindCodec } from './payload-codec.js'
import type { AddPacketListenerOptions, Packet, PacketListener } from './types.js'

/**
 * The shell of a stored kind: the pipeline an app holds (name, limit,
 * listeners, events, argument checks, from {@link BasePipeline}) around the
 * {@link StoredParts} made over the kind's codec; every call goes to the
 * parts. The persistent and encrypted pipelines are this shell, each with
 * its kind and codec; it has no hooks for them to override.
 */
export abstract class StoredPipeline extends BasePipeline {
  /** The log, ingest path, delivery and sync server: what the node's sync sessions talk to. */
  readonly stored: StoredParts

  constructor (ctx: NodeContext, name: string, maxPacketBytes: number, codec: KindCodec) {
    super(ctx, name, maxPacketBytes)
    this.stored = new StoredParts({
      ctx,
      pipeline: this,
      listeners: this.listeners,
      rules: this.entryRules(FLAG_PERSISTENT, codec, true),
      closed: () => this.closed,
      checkPut: (data) => { this.checkPut(data) }
    }, codec)
  }

  /** Resolves once the store is open; rejects if it failed to open. */
  async ready (): Promise<void> {
    await this.stored.ready()
  }

  async putPacket (data: Uint8Array): Promise<Packet> {
    return await this.stored.putPacket(data)
  }

  addPacketListener (fn: PacketListener, options?: AddPacketListenerOptions): Promise<void> {
    this.checkListener(fn)
    return this.stored.addPacketListener(fn, options)
  }

  history (options?: HistoryOptions): AsyncIterable<Packet> {
    return this.stored.history(options)
  }

  holders (packetId: string): string[] {
    return this.stored.holders(packetId)
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.stored.close()
  }
}
