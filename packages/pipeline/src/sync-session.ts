import { pb, toHex } from './bytes.js'
import { decodeWire } from './entry-codec.js'
import { SyncFrame } from './sync.pb.js'
import { FrameWriter } from './sync/frame-writer.js'
import { INGEST_WINDOW_BATCHES, INGEST_WINDOW_BYTES, IngestWindow, frameBytes } from './sync/ingest-window.js'
import { unref } from './timers.js'
import { helloMatch, helloOffer } from './sync/hello.js'
import type { NodeContext } from './context.js'
import type { BatchLimits, StoredParts } from './stored-parts.js'
import type { AuthorHead } from './sync.pb.js'
import type { FrameStream } from '@pipes/transport'

/** Limits of the sync protocol. A peer that goes over them is refused and counted. */
export interface SyncLimits {
  /** Most pipeline names in a HELLO. */
  maxPipelines: number
  /** Most authors in one pipeline's vector; a peer's vector over it fails that pipeline (not served this session), not the session. */
  maxAuthors: number
  /** Most heads in one VECTOR or ACK page (sent and taken). */
  vectorPage: number
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
  maxPipelines: 4096,
  maxAuthors: 262_144,
  vectorPage: 4096,
  batch: { maxEntries: 512, maxBytes: 1024 * 1024 },
  maxFrameBytes: 16 * 1024 * 1024,
  idleTimeoutMs: 30_000,
  sessionTimeoutMs: 10 * 60_000
}

/**
 * Version of the sync protocol, `/pipes/<net>/sync/<version>`. Nodes on another major version fail to negotiate it: no sync between them.
 * 3.0.0 added CHECKPOINT frames and a head's `checkpoint` (mailbox expiry);
 * 4.0.0 made the initiator's HELLO salted name hashes (sync/hello.ts).
 */
export const SYNC_PROTOCOL_VERSION = '4.0.0'

/** What a sync session needs from its node. */
export interface SyncHost {
  readonly ctx: NodeContext
  readonly limits: SyncLimits
  /** Persistent pipelines whose stores are open, by name. */
  syncablePipelines (): Map<string, StoredParts>
}

/**
 * The sync part of a kind whose authors sign checkpoints (the mailbox,
 * `StoredParts.checkpoints`): they travel in CHECKPOINT frames
 * before its batches.
 */
export interface CheckpointCarrier {
  /** Sets on our vector's heads the seq of the checkpoint we hold of each author (`checkpoint`). */
  markVector (heads: AuthorHead[]): void
  /**
   * Signed checkpoints the peer whose vector is `remote` lacks, and that
   * vector as it will be once the peer took them: its batches are served from it.
   */
  checkpointsFor (remote: AuthorHead[], peer: string): { records: Uint8Array[], remote: AuthorHead[] }
  /** Takes a peer's checkpoints (each checked, bad ones dropped and counted); runs before that peer's batches of the pipeline. */
  ingestCheckpoints (records: Uint8Array[], peer: string): Promise<void>
}

/** A session ended because the peer broke the protocol; counted as a refusal. */
class Refused extends Error {}

/** A peer's vector of one pipeline as its pages arrive. */
interface Incoming {
  heads: AuthorHead[]
  /** Over `maxAuthors`: the pipeline is not served this session. */
  failed: boolean
  complete: boolean
  resolve: () => void
  arrived: Promise<void>
}

/**
 * One sync session over a framed stream. The initiator's HELLO names its
 * pipelines, the responder's names those both keep. Then each side sends
 * its vector of every shared pipeline in VECTOR pages, streams BATCH frames
 * with what the other lacks (a pipeline once the other's vector of it is
 * complete) and a DONE; after the other's DONE is processed, each sends its
 * new vectors as ACK pages (the delivery receipts) and closes. A vector over
 * `maxAuthors` fails that pipeline only. A batch the receiver refuses (a future
 * time, a fork, an entry over its size limit) skips that author for the
 * rest of the session; the other authors and pipelines go on.
 * Resolves true when the session completed, false when it failed.
 */
export async function runSyncSession (host: SyncHost, stream: FrameStream, initiator: boolean): Promise<boolean> {
  const { ctx, limits } = host
  const peer = stream.remotePeer
  const decodeOptions = { limits: { pipelines: limits.maxPipelines, offers: limits.maxPipelines, heads: limits.vectorPage, entries: limits.batch.maxEntries } }
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
    ctx.stats.sync.bytesReceived += next.value.length
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
  const out = new FrameWriter(stream, ctx.stats.sync)

  // a peer that keeps a session busy for ever would hold an inbound slot for ever
  const deadline = setTimeout(() => {
    stream.abort(new Error(`sync session with ${peer} over its ${limits.sessionTimeoutMs} ms deadline`))
  }, limits.sessionTimeoutMs)
  unref(deadline)
  /** Authors (pipeline and author hex) whose batch we refused: the rest of their batches in this session are ignored. */
  const skipped = new Set<string>()
  const ingests = new IngestWindow(INGEST_WINDOW_BATCHES, INGEST_WINDOW_BYTES)
  /** The pipeline whose batches are in the window. */
  let ingesting: string | undefined

  try {
    const mine = host.syncablePipelines()
    // the initiator names no pipeline: the responder learns only those it keeps too
    if (initiator) await out.send({ kind: SyncFrame.Kind.HELLO, ...helloOffer(mine.keys()) })
    const theirs = await readFrame()
    if (theirs.kind !== SyncFrame.Kind.HELLO) throw protocolError('expected HELLO')
    const matched = helloMatch(theirs, mine)
    if (matched === undefined) throw protocolError('a pipeline twice in HELLO')
    const shared = matched
    if (!initiator) await out.send({ kind: SyncFrame.Kind.HELLO, pipelines: shared })
    const incoming = new Map<string, Incoming>()
    for (const name of shared) {
      let resolve: () => void = () => {}
      const arrived = new Promise<void>(r => { resolve = r })
      incoming.set(name, { heads: [], failed: false, complete: false, resolve, arrived })
    }
    /** Pipelines whose ACK pages are all in. */
    let acked = 0
    const ackCounts = new Map<string, number>()

    const writer = (async () => {
      for (const name of shared) {
        await out.sendPages(SyncFrame.Kind.VECTOR, name, mine.get(name)?.vector() ?? [], limits.vectorPage)
      }
      for (const name of shared) {
        const theirs = incoming.get(name) as Incoming
        await theirs.arrived
        const p = mine.get(name)
        if (p === undefined || theirs.failed) continue
        let remote = theirs.heads
        if (p.checkpoints !== undefined) {
          const sent = p.checkpoints.checkpointsFor(remote, peer)
          for (let i = 0; i < sent.records.length; i += limits.batch.maxEntries) {
            await out.coalesce({ kind: SyncFrame.Kind.CHECKPOINT, pipeline: name, entries: sent.records.slice(i, i + limits.batch.maxEntries).map(pb) })
          }
          remote = sent.remote
        }
        for await (const entries of p.missingFor(remote, limits.batch, peer)) {
          await out.coalesce({ kind: SyncFrame.Kind.BATCH, pipeline: name, entries: entries.map(pb) })
          ctx.stats.sync.batchesSent++
          ctx.stats.sync.entriesSent += entries.length
        }
        await out.flush()
        // what the peer holds is known now; free it
        theirs.heads = []
      }
      await out.send({ kind: SyncFrame.Kind.DONE })
    })()
    // keep a writer failure from going unhandled while the reader runs
    writer.catch(() => {})

    let done = false
    while (!done || acked < shared.length) {
      const frame = await readFrame()
      if (frame.kind === SyncFrame.Kind.VECTOR && !done) {
        const v = incoming.get(frame.pipeline)
        if (v === undefined || v.complete) throw protocolError('VECTOR for a pipeline not shared, or after its last page')
        if (!v.failed) {
          if (v.heads.length + frame.heads.length > limits.maxAuthors) {
            // this pipeline only: the rest of the session goes on
            ctx.reject('sync-too-much', frame.pipeline, peer)
            v.failed = true
            v.heads = []
          } else {
            for (const h of frame.heads) v.heads.push(h)
            mine.get(frame.pipeline)?.noteVector(peer, frame.heads)
          }
        }
        if (frame.last) {
          v.complete = true
          if (!v.failed) mine.get(frame.pipeline)?.vectorDone(peer)
          v.resolve()
        }
      } else if (frame.kind === SyncFrame.Kind.BATCH && !done) {
        const p = incoming.has(frame.pipeline) ? mine.get(frame.pipeline) : undefined
        if (p === undefined) throw protocolError('BATCH for a pipeline not shared')
        ctx.stats.sync.batchesReceived++
        const first = frame.entries[0]
        const w = first === undefined ? undefined : decodeWire(first)
        if (w === undefined) {
          // counted under its reason; with no author to skip, the session ends
          await p.ingestBatch(frame.entries, peer, limits.batch)
          throw new Refused('a batch with no readable first entry')
        }
        const key = `${frame.pipeline}\0${toHex(w.entry.author)}`
        if (skipped.has(key)) continue
        // pipelines are taken in one after the other, as they are sent (one may
        // carry what another needs first: the keys of an encrypted pipeline)
        if (frame.pipeline !== ingesting) {
          await ingests.drain()
          ingesting = frame.pipeline
        }
        await ingests.add(key, frameBytes(frame), async () => {
          // an earlier batch of this author may have been refused meanwhile
          if (skipped.has(key)) return
          if (!(await p.ingestBatch(frame.entries, peer, limits.batch))) {
            // counted under its reason by ingestBatch; later entries of this author cannot follow on
            skipped.add(key)
            ctx.stats.sync.authorsSkipped++
          }
        })
      } else if (frame.kind === SyncFrame.Kind.CHECKPOINT && !done) {
        const p = incoming.has(frame.pipeline) ? mine.get(frame.pipeline) : undefined
        if (p?.checkpoints === undefined) throw protocolError('CHECKPOINT for a pipeline not shared or without checkpoints')
        // checkpoints move logs' fronts: batches taken in before them land first
        await ingests.drain()
        await p.checkpoints.ingestCheckpoints(frame.entries, peer)
      } else if (frame.kind === SyncFrame.Kind.DONE && !done) {
        if ([...incoming.values()].some(v => !v.complete)) throw protocolError('DONE before every vector')
        done = true
        await ingests.drain()
        for (const name of shared) await mine.get(name)?.flush()
        await writer
        for (const name of shared) {
          await out.sendPages(SyncFrame.Kind.ACK, name, mine.get(name)?.vector() ?? [], limits.vectorPage)
        }
      } else if (frame.kind === SyncFrame.Kind.ACK && done) {
        const count = ackCounts.get(frame.pipeline)
        if (count === undefined && !incoming.has(frame.pipeline)) throw protocolError('ACK for a pipeline not shared')
        if (count === -1) throw protocolError('ACK after its last page')
        const seen = (count ?? 0) + frame.heads.length
        // receipts only: past the limit the rest is not looked at
        if (seen <= limits.maxAuthors) mine.get(frame.pipeline)?.noteVector(peer, frame.heads)
        ackCounts.set(frame.pipeline, frame.last ? -1 : seen)
        if (frame.last) acked++
      } else {
        throw protocolError(`unexpected frame kind ${String(frame.kind)}`)
      }
    }
    await writer
    ctx.stats.sync.sessions++
    await stream.close().catch(() => {})
    return true
  } catch (err) {
    // batches still being taken in finish (their entries are checked and stored as usual); the stream goes now
    ingests.abandon()
    if (err instanceof Refused) ctx.stats.sync.refused++
    ctx.stats.sync.failed++
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    return false
  } finally {
    clearTimeout(deadline)
  }
}
