import * as lp from 'it-length-prefixed'
import { FrameTooLargeError, StreamResetError } from './errors.js'
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Frame size limit of a stream when none is given: 4 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024

/** Bytes of received, not yet decoded data above which the remote is asked to pause. */
const READ_HIGH_WATER = 1024 * 1024

/**
 * A protocol stream carrying length-prefixed frames (unsigned varint length,
 * then the bytes). A frame over the stream's limit aborts the stream with
 * {@link FrameTooLargeError}.
 *
 * Reading is single-consumer: `read()` and iteration share one cursor.
 */
export interface FrameStream {
  /** Peer id of the other end. */
  readonly remotePeer: string
  /** The protocol id this stream was opened for. */
  readonly protocol: string
  /** The frame size limit of this end, in bytes. */
  readonly maxFrameBytes: number
  /** Bytes received from the remote and not yet read (the receive buffer this end holds). */
  readonly queuedBytes: number
  /**
   * Sends one frame. Resolves once the frame is handed to the muxer (waits
   * while the muxer's buffer is full).
   *
   * @throws {@link FrameTooLargeError} if the frame is over the limit (nothing is sent).
   */
  send (frame: Uint8Array, options?: { signal?: AbortSignal }): Promise<void>
  /**
   * Sends several frames in one write to the muxer (one muxer frame for many
   * small ones, instead of one each): the remote reads them as separate
   * frames, exactly as if each were sent with {@link send}.
   *
   * @throws {@link FrameTooLargeError} if a frame is over the limit (nothing is sent).
   */
  sendMany (frames: readonly Uint8Array[], options?: { signal?: AbortSignal }): Promise<void>
  /** The next frame, or `undefined` once the remote has closed its end. */
  read (): Promise<Uint8Array | undefined>
  /** Iterates the remaining frames until the remote closes its end. Leaving the loop early keeps the stream usable. */
  [Symbol.asyncIterator] (): AsyncIterator<Uint8Array>
  /** Closes the writing end after pending frames are sent; the remote sees the end of the frames. */
  close (): Promise<void>
  /** Drops the stream at once, in both directions; the remote sees an error. */
  abort (err?: Error): void
}

/** Options of one framed stream. */
export interface FrameStreamInit {
  remotePeer: string
  maxFrameBytes: number
  /** Called once when the remote sends a frame over the limit. */
  onOversized?: () => void
}

/** Frames over a libp2p 3 message stream (`send()`, `message` events, half-close). */
export class Libp2pFrameStream implements FrameStream {
  readonly remotePeer: string
  readonly protocol: string
  readonly maxFrameBytes: number
  readonly #stream: Stream
  readonly #onOversized: (() => void) | undefined
  readonly #chunks: Array<Uint8Array | Uint8ArrayList> = []
  #queuedBytes = 0
  #paused = false
  #resuming = false
  #ended = false
  #error: Error | undefined
  #wake: (() => void) | undefined
  readonly #frames: AsyncGenerator<Uint8Array>

  constructor (stream: Stream, init: FrameStreamInit) {
    this.#stream = stream
    this.remotePeer = init.remotePeer
    this.protocol = stream.protocol
    this.maxFrameBytes = init.maxFrameBytes
    this.#onOversized = init.onOversized
    // Listen from the start: data that arrived before us is replayed by the
    // stream when a 'message' listener is added, and 'end' may fire before
    // anyone reads.
    stream.addEventListener('message', (evt) => {
      this.#chunks.push(evt.data)
      this.#queuedBytes += evt.data.byteLength
      // inside resume() the pause waits until resume() has returned (see #resume)
      if (!this.#resuming) this.#pauseIfFull()
      this.#notify()
    })
    // 'end' comes before the reset event when the remote resets: look at the status
    const ended = (error?: Error): void => {
      const reset = stream.status === 'reset' || stream.status === 'aborted'
      this.#finish(error ?? (reset ? new StreamResetError(this.remotePeer, this.protocol) : undefined))
    }
    stream.addEventListener('end', () => { ended() })
    stream.addEventListener('close', (evt) => { ended(evt.error) })
    if (stream.readableEnded) ended()
    this.#frames = this.#decode()
  }

  get queuedBytes (): number {
    return this.#queuedBytes
  }

  #pauseIfFull (): void {
    if (this.#paused || this.#queuedBytes <= READ_HIGH_WATER) return
    this.#paused = true
    // the last message of a stream whose remote closed arrives with the
    // read side already ending: nothing more to pause
    if (this.#stream.readStatus === 'readable') this.#stream.pause()
  }

  /**
   * libp2p's `resume()` first dispatches what it buffered while paused,
   * synchronously, into our 'message' listener, and only then tells the muxer
   * to grant window again. Pausing from inside that dispatch would be undone
   * by the muxer's resume: the stream would stay marked paused while yamux
   * keeps granting window, until libp2p resets it for an overfull read
   * buffer. So the listener does not pause while we resume; we pause after.
   */
  #resume (): void {
    this.#paused = false
    // libp2p marks the read side closed once the remote has closed and
    // everything was dispatched to us, even if we paused it meanwhile;
    // resuming it then throws, and there is nothing left to resume.
    if (this.#stream.readStatus !== 'paused') return
    this.#resuming = true
    try {
      this.#stream.resume()
    } finally {
      this.#resuming = false
    }
    this.#pauseIfFull()
  }

  #notify (): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  #finish (error?: Error): void {
    if (this.#ended) return
    this.#ended = true
    this.#error = error
    this.#notify()
  }

  async * #source (): AsyncGenerator<Uint8Array | Uint8ArrayList> {
    while (true) {
      const chunk = this.#chunks.shift()
      if (chunk !== undefined) {
        this.#queuedBytes -= chunk.byteLength
        if (this.#paused && this.#queuedBytes <= READ_HIGH_WATER / 2) this.#resume()
        yield chunk
        continue
      }
      if (this.#ended) {
        if (this.#error !== undefined) throw this.#error
        return
      }
      await new Promise<void>(resolve => { this.#wake = resolve })
    }
  }

  async * #decode (): AsyncGenerator<Uint8Array> {
    try {
      for await (const frame of lp.decode(this.#source(), { maxDataLength: this.maxFrameBytes })) {
        yield frame.subarray()
      }
    } catch (err) {
      const name = (err as Error).name
      if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') {
        const tooLarge = new FrameTooLargeError(this.maxFrameBytes, ` (received from ${this.remotePeer} on ${this.protocol})`)
        this.#onOversized?.()
        this.#stream.abort(tooLarge)
        throw tooLarge
      }
      throw err
    }
  }

  async send (frame: Uint8Array, options?: { signal?: AbortSignal }): Promise<void> {
    if (frame.byteLength > this.maxFrameBytes) {
      throw new FrameTooLargeError(this.maxFrameBytes, ` (tried to send ${frame.byteLength} bytes)`)
    }
    await this.#drained(options?.signal)
    if (!this.#stream.send(lp.encode.single(frame))) await this.#drained(options?.signal)
  }

  async sendMany (frames: readonly Uint8Array[], options?: { signal?: AbortSignal }): Promise<void> {
    let bytes = 0
    const encoded: Uint8Array[] = []
    for (const frame of frames) {
      if (frame.byteLength > this.maxFrameBytes) {
        throw new FrameTooLargeError(this.maxFrameBytes, ` (tried to send ${frame.byteLength} bytes)`)
      }
      const one = lp.encode.single(frame).subarray()
      encoded.push(one)
      bytes += one.byteLength
    }
    if (encoded.length === 0) return
    const all = new Uint8Array(bytes)
    let at = 0
    for (const one of encoded) { all.set(one, at); at += one.byteLength }
    await this.#drained(options?.signal)
    if (!this.#stream.send(all)) await this.#drained(options?.signal)
  }

  /**
   * Waits until the stream can take more data. Not libp2p's `onDrain()`: its
   * promise is made once and stays resolved after the first drain, so from
   * then on it never waits and a fast sender buffers its whole transfer in
   * the stream's write buffer. This waits for the next 'drain' event each time.
   */
  async #drained (signal?: AbortSignal): Promise<void> {
    const stream = this.#stream
    // a closed stream never drains: return and let send() report its state
    while (stream.writableNeedsDrain && stream.writeStatus === 'writable') {
      signal?.throwIfAborted()
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error): void => {
          stream.removeEventListener('drain', onDrain)
          stream.removeEventListener('close', onClose)
          signal?.removeEventListener('abort', onAbort)
          if (err === undefined) resolve()
          else reject(err)
        }
        const onDrain = (): void => { done() }
        const onClose = (evt: Event): void => {
          done((evt as Event & { error?: Error }).error ?? new StreamResetError(this.remotePeer, this.protocol))
        }
        const onAbort = (): void => { done(signal?.reason instanceof Error ? signal.reason : new Error('aborted')) }
        stream.addEventListener('drain', onDrain)
        stream.addEventListener('close', onClose)
        signal?.addEventListener('abort', onAbort)
      })
    }
  }

  async read (): Promise<Uint8Array | undefined> {
    const next = await this.#frames.next()
    return next.done === true ? undefined : next.value
  }

  [Symbol.asyncIterator] (): AsyncIterator<Uint8Array> {
    // Not the generator itself: a `break` must not end the shared cursor.
    return { next: async () => await this.#frames.next() }
  }

  async close (): Promise<void> {
    await this.#stream.close()
  }

  abort (err?: Error): void {
    this.#stream.abort(err ?? new Error('stream aborted by the local application'))
  }
}
