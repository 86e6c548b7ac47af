import { SyncFrame } from '../sync.pb.js'
import type { AuthorHead } from '../sync.pb.js'
import type { FrameStream } from '@pipes/transport'

/** Batch frames smaller than this are gathered into writes of about this size. */
const COALESCE_BYTES = 64 * 1024

/**
 * The sending side of a sync session: encodes frames, counts their bytes,
 * and gathers small batches (an author with one new entry) into one write,
 * so they cost one muxer frame and one encryption for them all, not one each.
 */
export class FrameWriter {
  readonly #stream: FrameStream
  readonly #stats: { bytesSent: number }
  #pending: Uint8Array[] = []
  #pendingBytes = 0

  /** `stats.bytesSent` grows by every frame's size as it is encoded. */
  constructor (stream: FrameStream, stats: { bytesSent: number }) {
    this.#stream = stream
    this.#stats = stats
  }

  #encode (frame: Partial<SyncFrame>): Uint8Array {
    const bytes = SyncFrame.encode(frame)
    this.#stats.bytesSent += bytes.length
    return bytes
  }

  /** Sends a frame now (after nothing: call {@link flush} first if batches are gathered). */
  async send (frame: Partial<SyncFrame>): Promise<void> {
    await this.#stream.send(this.#encode(frame))
  }

  /** Sends a batch frame: gathered with others while small, at once (after those gathered) when large. */
  async coalesce (frame: Partial<SyncFrame>): Promise<void> {
    const bytes = this.#encode(frame)
    if (bytes.length >= COALESCE_BYTES) {
      await this.flush()
      await this.#stream.send(bytes)
      return
    }
    this.#pending.push(bytes)
    this.#pendingBytes += bytes.length
    if (this.#pendingBytes >= COALESCE_BYTES) await this.flush()
  }

  /** Writes the gathered frames. */
  async flush (): Promise<void> {
    if (this.#pending.length === 0) return
    const frames = this.#pending
    this.#pending = []
    this.#pendingBytes = 0
    await this.#stream.sendMany(frames)
  }

  /** Sends one pipeline's vector as pages of at most `page` heads, the last flagged. */
  async sendPages (kind: SyncFrame.Kind, pipeline: string, heads: AuthorHead[], page: number): Promise<void> {
    for (let i = 0; ; i += page) {
      const last = i + page >= heads.length
      await this.send({ kind, pipeline, heads: heads.slice(i, i + page), last })
      if (last) return
    }
  }
}
