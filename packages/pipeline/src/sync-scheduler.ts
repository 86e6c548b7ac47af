import { runSyncSession } from './sync-session.js'
import type { SyncHost } from './sync-session.js'
import type { FrameStream, Transport } from '@pipes/transport'

interface PeerState {
  running: boolean
  again: boolean
  timer: ReturnType<typeof setTimeout> | undefined
  /** The pending timer is the second side's "unless already synced" one, which a request must override. */
  conditional: boolean
  /** When a session with this peer (either side's) last ended. */
  last: number
  connectedAt: number
}

/** Default delay before the peer with the larger id starts a session after a new connection (the smaller one goes first). */
export const DEFAULT_SECOND_SIDE_DELAY_MS = 1500
/** Most inbound sessions served at once. */
const MAX_INBOUND = 32

/**
 * Decides when to sync with whom: at once on a new connection (one side
 * first), when asked (a new pipeline, a gap), and every `intervalMs` with
 * each peer that had no session for that long. One outbound session per
 * peer at a time; requests while one runs fold into one more run.
 */
export class SyncScheduler {
  readonly #host: SyncHost
  readonly #transport: Transport
  readonly #protocol: string
  readonly #intervalMs: number
  readonly #secondSideDelayMs: number
  readonly #peers = new Map<string, PeerState>()
  readonly #sessions = new Set<Promise<void>>()
  /** Streams of the sessions under way, aborted by stop() so it never waits on a peer. */
  readonly #streams = new Set<FrameStream>()
  #inbound = 0
  #interval: ReturnType<typeof setInterval> | undefined
  #stopped = false
  readonly #onConnect = (evt: CustomEvent<string>): void => { this.#connected(evt.detail) }
  readonly #onDisconnect = (evt: CustomEvent<string>): void => { this.#forget(evt.detail) }

  constructor (host: SyncHost, transport: Transport, protocol: string, intervalMs: number, secondSideDelayMs = DEFAULT_SECOND_SIDE_DELAY_MS) {
    this.#host = host
    this.#transport = transport
    this.#protocol = protocol
    this.#intervalMs = intervalMs
    this.#secondSideDelayMs = secondSideDelayMs
  }

  async start (): Promise<void> {
    await this.#transport.handle(this.#protocol, async (stream) => { await this.#serve(stream) }, { maxFrameBytes: this.#host.limits.maxFrameBytes })
    this.#transport.addEventListener('peer:connect', this.#onConnect)
    this.#transport.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#interval = setInterval(() => { this.#tick() }, Math.max(50, Math.floor(this.#intervalMs / 2)))
    for (const peer of this.#transport.peers()) this.#connected(peer)
  }

  async stop (): Promise<void> {
    this.#stopped = true
    clearInterval(this.#interval)
    this.#transport.removeEventListener('peer:connect', this.#onConnect)
    this.#transport.removeEventListener('peer:disconnect', this.#onDisconnect)
    for (const state of this.#peers.values()) clearTimeout(state.timer)
    this.#peers.clear()
    await this.#transport.unhandle(this.#protocol).catch(() => {})
    // A session waits on its peer (up to the idle timeout); a stopping node
    // must not, and what the session did not finish the next one will.
    for (const stream of this.#streams) stream.abort(new Error('sync stopped: this node is stopping'))
    await Promise.allSettled([...this.#sessions])
  }

  /** Asks for a session soon with one peer, or with every connected peer. */
  request (peer?: string): void {
    if (this.#stopped) return
    const peers = peer === undefined ? this.#transport.peers() : [peer]
    for (const p of peers) this.#schedule(p, 0)
  }

  #state (peer: string): PeerState {
    let state = this.#peers.get(peer)
    if (state === undefined) {
      state = { running: false, again: false, timer: undefined, conditional: false, last: 0, connectedAt: Date.now() }
      this.#peers.set(peer, state)
    }
    return state
  }

  #connected (peer: string): void {
    if (this.#stopped) return
    const state = this.#state(peer)
    state.connectedAt = Date.now()
    if (this.#transport.peerId < peer) {
      this.#schedule(peer, 0)
    } else {
      this.#schedule(peer, this.#secondSideDelayMs, true)
    }
  }

  #forget (peer: string): void {
    const state = this.#peers.get(peer)
    if (state !== undefined) clearTimeout(state.timer)
    this.#peers.delete(peer)
  }

  #tick (): void {
    const now = Date.now()
    for (const peer of this.#transport.peers()) {
      const state = this.#state(peer)
      if (!state.running && state.timer === undefined && now - state.last >= this.#intervalMs) this.#schedule(peer, 0)
    }
  }

  /** Starts a session after `delayMs`; with `unlessSynced`, skips it if a session ended since the connection. */
  #schedule (peer: string, delayMs: number, unlessSynced = false): void {
    if (this.#stopped || peer === this.#transport.peerId) return
    const state = this.#state(peer)
    if (state.running) { state.again = true; return }
    if (state.timer !== undefined) {
      // A pending conditional timer would skip its run if the other side
      // synced first, and with it a request for a pipeline or gap the other
      // side knows nothing of: replace it.
      if (unlessSynced || !state.conditional) return
      clearTimeout(state.timer)
    }
    state.conditional = unlessSynced
    state.timer = setTimeout(() => {
      state.timer = undefined
      if (unlessSynced && state.last >= state.connectedAt) return
      void this.#run(peer, state)
    }, delayMs)
  }

  async #run (peer: string, state: PeerState): Promise<void> {
    if (this.#stopped || state.running) return
    state.running = true
    const session = (async () => {
      let stream: FrameStream | undefined
      try {
        stream = await this.#transport.dialProtocol(peer, this.#protocol, { maxFrameBytes: this.#host.limits.maxFrameBytes })
      } catch {
        this.#host.ctx.stats.sync.failed++
        return
      }
      if (this.#stopped) { stream.abort(new Error('sync stopped: this node is stopping')); return }
      this.#streams.add(stream)
      try {
        await runSyncSession(this.#host, stream, true)
      } finally {
        this.#streams.delete(stream)
      }
    })()
    this.#sessions.add(session)
    try {
      await session
    } finally {
      this.#sessions.delete(session)
      state.running = false
      state.last = Date.now()
      if (state.again && !this.#stopped && this.#peers.get(peer) === state) {
        state.again = false
        this.#schedule(peer, 0)
      }
    }
  }

  async #serve (stream: FrameStream): Promise<void> {
    if (this.#stopped || this.#inbound >= MAX_INBOUND) {
      this.#host.ctx.stats.sync.refused++
      stream.abort(new Error('too many sync sessions'))
      return
    }
    this.#inbound++
    this.#streams.add(stream)
    const session = runSyncSession(this.#host, stream, false)
    this.#sessions.add(session)
    try {
      await session
    } finally {
      this.#sessions.delete(session)
      this.#streams.delete(stream)
      this.#inbound--
      const state = this.#peers.get(stream.remotePeer)
      if (state !== undefined) state.last = Date.now()
    }
  }
}
