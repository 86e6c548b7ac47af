import { InvalidPipelineArgumentError, NodeStoppedError, PacketTooLargeError } from './errors.js'
import { ListenerSet } from './listener-set.js'
import { TypedEventTarget } from '@pipes/interface'
import type { NodeContext } from './context.js'
import type { EntryRules } from './entry-rules.js'
import type { HistoryOptions } from './log/time-index.js'
import type { PayloadCodec } from './payload-codec.js'
import type { AddPacketListenerOptions, Packet, PacketListener, Pipeline, PipelineEvents, PipelineKind } from './types.js'

/** What every kind of pipeline shares: name, limits, listeners, events. */
export abstract class BasePipeline extends TypedEventTarget<PipelineEvents> implements Pipeline {
  readonly name: string
  abstract readonly kind: PipelineKind
  readonly maxPacketBytes: number
  protected readonly ctx: NodeContext
  protected readonly listeners: ListenerSet
  protected closed = false

  constructor (ctx: NodeContext, name: string, maxPacketBytes: number) {
    super()
    this.ctx = ctx
    this.name = name
    this.maxPacketBytes = maxPacketBytes
    this.listeners = new ListenerSet(() => { ctx.stats.listenerErrors++ })
  }

  abstract putPacket (data: Uint8Array): Promise<Packet>
  abstract addPacketListener (fn: PacketListener, options?: AddPacketListenerOptions): Promise<void>
  abstract history (options?: HistoryOptions): AsyncIterable<Packet>
  abstract holders (packetId: string): string[]
  /** Stops taking input; resolves when in-flight work is done. */
  abstract close (): Promise<void>

  removePacketListener (fn: PacketListener): void {
    this.listeners.delete(fn)
  }

  /** The validation rules of this pipeline's entries: its kind flags plus the codec's, its size limit plus the codec's overhead. */
  protected entryRules (kindFlags: number, codec: PayloadCodec, chained: boolean): EntryRules {
    return {
      network: this.ctx.networkId,
      pipeline: this.name,
      flags: kindFlags | codec.flags,
      maxPayloadBytes: this.maxPacketBytes + codec.overheadBytes,
      maxClockSkewMs: this.ctx.maxClockSkewMs,
      chained
    }
  }

  /** Checks what `putPacket` was given, before any work. */
  protected checkPut (data: unknown): asserts data is Uint8Array {
    if (this.closed || this.ctx.stopped) throw new NodeStoppedError(`put a packet on "${this.name}"`)
    if (!(data instanceof Uint8Array)) {
      throw new InvalidPipelineArgumentError(`putPacket(data) needs a Uint8Array (encode text with new TextEncoder().encode(text)), got ${data === null ? 'null' : typeof data}`)
    }
    if (data.length > this.maxPacketBytes) throw new PacketTooLargeError(data.length, this.maxPacketBytes, this.name)
  }

  protected checkListener (fn: unknown): asserts fn is PacketListener {
    if (typeof fn !== 'function') throw new InvalidPipelineArgumentError(`addPacketListener(fn) needs a function (packet, pipeline) => void, got ${fn === null ? 'null' : typeof fn}`)
  }

}
