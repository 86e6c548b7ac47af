import { pb, toHex } from './bytes.js'
import { decodeWire } from './entry-codec.js'
import { SyncFrame } from './sync.pb.js'
import type { NodeContext } from './context.js'
import type { BatchLimits, PersistentPipeline } from './persistent-pipeline.js'
import type { PipelineVector } from './sync.pb.js'
import type { FrameStream } from '@pipes/transport'

/** Limits of the sync protocol. A peer that goes over them is refused and counted. */
export interface SyncLimits {
  /** Most pipelines in one vector frame. */
  maxPipelines: number
  /** Most authors in one pipeline's vector. */
  maxAuthors: number
  /** Size of the batches we send and the most entries we take in one. */
  batch: BatchLimits
  /** Frame size limit of the stream. */
  maxFrameBytes: number
  /** A session with no frame for this long is dropped, in ms. */
  idleTimeoutMs: number
  /** A session that lasts longer than this in total is dropped, in ms, however busy (the next one goes on). */
  sessionTimeoutMs: number
}

/** Defaults of {@link SyncLimits}. */
export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  maxPipelines: 256,
  maxAuthors: 65_536,
  batch: { maxEntries: 512, maxBytes: 1024 * 1024 },
  maxFrameBytes: 16 * 1024 * 1024,
  idleTimeoutMs: 30_000,
  sessionTimeoutMs: 10 * 60_000
}

/** Lets a timer not keep the process alive (Node); a no-op where timers are plain ids. */
export function unref (timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref()
}

/** What a sync session needs from its node. */
export interface SyncHost {
  readonly ctx: NodeContext
  readonly limits: SyncLimits
  /** Persistent pipelines whose stores are open, by name. */
  syncablePipelines (): Map<string, PersistentPipeline>
}

/** A session ended because the peer broke the protocol; counted as a refusal. */
class Refused extends Error {}

/**
 * One sync session over a framed stream. Both sides send HELLO with their
 * version vectors (the responder only for pipelines both have), then each
 * streams BATCH frames with what the other lacks and a DONE; after the
 * other's DONE is processed, each sends an ACK with its new vectors (the
 * delivery receipts) and closes. A batch the receiver refuses (a future
 * time, a fork, an entry over its size limit) skips that author for the
 * rest of the session; the other authors and pipelines go on.
 * Resolves true when the session completed, false when it failed.
 */
export async function runSyncSession (host: SyncHost, stream: FrameStream, initiator: boolean): Promise<boolean> {
  const { ctx, limits } = host
  const peer = stream.remotePeer
  const decodeOptions = { limits: { vectors: limits.maxPipelines, vectors$: { heads: limits.maxAuthors }, entries: limits.batch.maxEntries } }
  const iterator = stream[Symbol.asyncIterator]()

  const readFrame = async (): Promise<SyncFrame> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`sync peer ${peer} sent nothing for ${limits.idleTimeoutMs} ms`)) }, limits.idleTimeoutMs)
      unref(timer)
    })
    let next: IteratorResult<Uint8Array>
    try {
      next = await Promise.race([iterator.next(), timeout])
    } catch (err) {
      const name = (err as Error).name
      if (name === 'FrameTooLargeError') {
        ctx.reject('sync-too-much', undefined, peer)
        throw new Refused('frame over the limit')
      }
      if (name === 'UnexpectedEOFError' || name === 'InvalidMessageLengthError') {
        // the peer ended its side in the middle of a frame, or sent a broken length
        ctx.reject('sync-malformed', undefined, peer)
        throw new Refused('broken framing')
      }
      throw err
    } finally {
      clearTimeout(timer)
    }
    if (next.done === true) throw new Refused('the peer ended the session early')
    try {
      return SyncFrame.decode(next.value, decodeOptions)
    } catch (err) {
      ctx.reject((err as Error).name === 'MaxLengthError' ? 'sync-too-much' : 'sync-malformed', undefined, peer)
      throw new Refused('undecodable frame')
    }
  }
  const protocolError = (what: string): Refused => {
    ctx.reject('sync-malformed', undefined, peer)
    return new Refused(what)
  }
  const vectorsOf = (names: Iterable<string>): PipelineVector[] => {
    const pipelines = host.syncablePipelines()
    const out: PipelineVector[] = []
    for (const name of names) {
      const p = pipelines.get(name)
      if (p !== undefined) out.push({ pipeline: name, heads: p.vector() })
    }
    return out
  }
  const send = async (frame: Partial<SyncFrame>): Promise<void> => {
    await stream.send(SyncFrame.encode(frame))
  }

  // a peer that keeps a session busy for ever would hold an inbound slot for ever
  const deadline = setTimeout(() => {
    stream.abort(new Error(`sync session with ${peer} over its ${limits.sessionTimeoutMs} ms deadline`))
  }, limits.sessionTimeoutMs)
  unref(deadline)
  /** Authors (pipeline and author hex) whose batch we refused: the rest of their batches in this session are ignored. */
  const skipped = new Set<string>()

  try {
    let theirs: SyncFrame
    if (initiator) {
      await send({ kind: SyncFrame.Kind.HELLO, vectors: vectorsOf(host.syncablePipelines().keys()) })
      theirs = await readFrame()
    } else {
      theirs = await readFrame()
    }
    if (theirs.kind !== SyncFrame.Kind.HELLO) throw protocolError('expected HELLO')
    const mine = host.syncablePipelines()
    const shared = new Map<string, PipelineVector>()
    for (const v of theirs.vectors) {
      if (shared.has(v.pipeline)) throw protocolError('a pipeline twice in HELLO')
      if (mine.has(v.pipeline)) shared.set(v.pipeline, v)
    }
    if (!initiator) await send({ kind: SyncFrame.Kind.HELLO, vectors: vectorsOf(shared.keys()) })
    for (const [name, v] of shared) mine.get(name)?.noteVector(peer, v.heads)

    const writer = (async () => {
      for (const [name, v] of shared) {
        const p = mine.get(name)
        if (p === undefined) continue
        for await (const entries of p.missingFor(v.heads, limits.batch, peer)) {
          await send({ kind: SyncFrame.Kind.BATCH, pipeline: name, entries: entries.map(pb) })
          ctx.stats.sync.batchesSent++
          ctx.stats.sync.entriesSent += entries.length
        }
      }
      await send({ kind: SyncFrame.Kind.DONE })
    })()
    // keep a writer failure from going unhandled while the reader runs
    writer.catch(() => {})

    let done = false
    while (true) {
      const frame = await readFrame()
      if (frame.kind === SyncFrame.Kind.BATCH && !done) {
        const p = shared.has(frame.pipeline) ? mine.get(frame.pipeline) : undefined
        if (p === undefined) throw protocolError('BATCH for a pipeline not in HELLO')
        ctx.stats.sync.batchesReceived++
        const first = frame.entries[0]
        const w = first === undefined ? undefined : decodeWire(first)
        if (w === undefined) {
          ctx.reject('sync-malformed', frame.pipeline, peer)
          throw new Refused('a batch with no readable first entry')
        }
        const key = `${frame.pipeline}\0${toHex(w.entry.author)}`
        if (skipped.has(key)) continue
        if (!(await p.ingestBatch(frame.entries, peer, limits.batch))) {
          // counted under its reason by ingestBatch; later entries of this author cannot follow on
          skipped.add(key)
          ctx.stats.sync.authorsSkipped++
        }
      } else if (frame.kind === SyncFrame.Kind.DONE && !done) {
        done = true
        for (const name of shared.keys()) await mine.get(name)?.flush()
        await writer
        await send({ kind: SyncFrame.Kind.ACK, vectors: vectorsOf(shared.keys()) })
      } else if (frame.kind === SyncFrame.Kind.ACK && done) {
        for (const v of frame.vectors) {
          if (shared.has(v.pipeline)) mine.get(v.pipeline)?.noteVector(peer, v.heads)
        }
        break
      } else {
        throw protocolError(`unexpected frame kind ${String(frame.kind)}`)
      }
    }
    await writer
    ctx.stats.sync.sessions++
    await stream.close().catch(() => {})
    return true
  } catch (err) {
    if (err instanceof Refused) ctx.stats.sync.refused++
    ctx.stats.sync.failed++
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    return false
  } finally {
    clearTimeout(deadline)
  }
}
