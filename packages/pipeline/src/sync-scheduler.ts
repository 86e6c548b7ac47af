import { backoffDelay } from '@pipes/interface'
import { runSyncSession } from './sync-session.js'
import { unref } from './timers.js'
import type { SyncHost } from './sync-session.js'
import type { FrameStream, Transport } from '@pipes/transport'

interface PeerState {
  /** An outbound session (ours) with this peer is under way. */
  running: boolean
  again: boolean
  timer: ReturnType<typeof setTimeout> | undefined
  /** The pending timer is the second side's "unless already synced" one, which a request must override. */
  conditional: boolean
  /** When a session with this peer (either side's) last ended. */
  last: number
  connectedAt: number
  /** Outbound sessions that failed in a row: the retry backoff grows with it. */
  failures: number
  /**
   * A session of ours came due while the peer's session with us ran: it
   * runs once that one ends. Two sessions at once would each serve what the
   * other is still sending (every entry twice).
   */
  afterInbound: boolean
}

/** Sync sessions with one peer or with all, now. */
export interface SyncActivity {
  /** Sessions of ours due: a timer pending, or one more run asked for while one runs. */
  scheduled: number
  /** Sessions of ours under way. */
  outbound: number
  /** Peers' sessions we serve, under way. */
  inbound: number
}

/** Default delay before the peer with the larger id starts a session after a new connection (the smaller one goes first). */
export const DEFAULT_SECOND_SIDE_DELAY_MS = 1500
/** Most inbound sessions served at once. */
const MAX_INBOUND = 32
/** Most inbound sessions served at once for one peer (one is the normal case; two ride out a reconnect). */
const MAX_INBOUND_PER_PEER = 2
/** First retry delay after a failed session, doubling per failure up to the cap (jittered, see `backoffDelay`). */
const RETRY_BASE_MS = 250
const RETRY_CAP_MS = 8000

/**
 * Decides when to sync with whom: at once on a new connection (one side
 * first), when asked (a new pipeline, a gap), and every `intervalMs` with
 * each peer that had no session for that long. One session per peer and
 * direction: requests while ours runs fold into one more run, and the
 * delayed and periodic runs skip a peer that is syncing with us either way.
 * A failed session is retried after a short jittered backoff. Timers are
 * unref'd: a node with nothing to do does not keep its process alive.
 */
export class SyncScheduler {
  readonly #host: SyncHost
  readonly #transport: Transport
  readonly #protocol: string
  readonly #intervalMs: number
  readonly #secondSideDelayMs: number
  readonly #peers = new Map<string, PeerState>()
  /** Inbound sessions under way, by peer (kept apart from #peers, which a disconnect clears). */
  readonly #inboundBy = new Map<string, number>()
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
    unref(this.#interval)
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

  /** Sessions scheduled and running with `peer`, or with every peer: what tests and stats wait on instead of a fixed time. */
  activity (peer?: string): SyncActivity {
    const states = peer === undefined ? [...this.#peers.values()] : [this.#peers.get(peer)].filter(s => s !== undefined)
    let scheduled = 0
    let outbound = 0
    for (const s of states) {
      if (s.timer !== undefined || (s.running && s.again) || s.afterInbound) scheduled++
      if (s.running) outbound++
    }
    const inbound = peer === undefined ? this.#inbound : (this.#inboundBy.get(peer) ?? 0)
    return { scheduled, outbound, inbound }
  }

  #state (peer: string): PeerState {
    let state = this.#peers.get(peer)
    if (state === undefined) {
      state = { running: false, again: false, timer: undefined, conditional: false, last: 0, connectedAt: Date.now(), failures: 0, afterInbound: false }
      this.#peers.set(peer, state)
    }
    return state
  }

  /** True while a session with `peer` runs in either direction. */
  #busy (peer: string, state: PeerState): boolean {
    return state.running || (this.#inboundBy.get(peer) ?? 0) > 0
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
      if (!this.#busy(peer, state) && state.timer === undefined && now - state.last >= this.#intervalMs) this.#schedule(peer, 0)
    }
  }

  /**
   * Starts a session after `delayMs`; with `unlessSynced`, skips it if a
   * session ended since the connection or one (the peer's) is under way.
   */
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
      if (unlessSynced && (state.last >= state.connectedAt || this.#busy(peer, state))) return
      void this.#run(peer, state)
    }, delayMs)
    unref(state.timer)
  }

  async #run (peer: string, state: PeerState): Promise<void> {
    if (this.#stopped || state.running) return
    if ((this.#inboundBy.get(peer) ?? 0) > 0) { state.afterInbound = true; return }
    state.running = true
    let ok = false
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
        ok = await runSyncSession(this.#host, stream, true)
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
      const current = !this.#stopped && this.#peers.get(peer) === state
      if (ok) state.failures = 0
      if (current && state.again) {
        state.again = false
        this.#schedule(peer, 0)
      } else if (current && !ok) {
        // what this session did not move the next one will: soon, not a whole interval later
        state.failures++
        this.#schedule(peer, backoffDelay(state.failures - 1, RETRY_BASE_MS, RETRY_CAP_MS))
      }
    }
  }

  async #serve (stream: FrameStream): Promise<void> {
    const peer = stream.remotePeer
    const ofPeer = this.#inboundBy.get(peer) ?? 0
    if (this.#stopped || this.#inbound >= MAX_INBOUND || ofPeer >= MAX_INBOUND_PER_PEER) {
      this.#host.ctx.stats.sync.refused++
      stream.abort(new Error('too many sync sessions'))
      return
    }
    this.#inbound++
    this.#inboundBy.set(peer, ofPeer + 1)
    this.#streams.add(stream)
    const session = runSyncSession(this.#host, stream, false).then(() => {})
    this.#sessions.add(session)
    try {
      await session
    } finally {
      this.#sessions.delete(session)
      this.#streams.delete(stream)
      this.#inbound--
      const left = (this.#inboundBy.get(peer) ?? 1) - 1
      if (left > 0) this.#inboundBy.set(peer, left)
      else this.#inboundBy.delete(peer)
      const state = this.#peers.get(peer)
      if (state !== undefined) {
        state.last = Date.now()
        if (state.afterInbound && left === 0) {
          state.afterInbound = false
          this.#schedule(peer, 0)
        }
      }
    }
  }
}
