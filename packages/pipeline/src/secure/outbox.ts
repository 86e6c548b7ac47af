import { backoffDelay } from '@pipes/interface'
import type { NodeContext } from '../context.js'
import type { ReceiptDetail } from '../types.js'

/** First retry after an unacknowledged put, in ms; doubles up to {@link MAX_RETRY_MS} (jittered, see `backoffDelay`). */
const FIRST_RETRY_MS = 1000
const MAX_RETRY_MS = 30_000
/** How long one attempt to find and dial the peer may take. */
const FIND_TIMEOUT_MS = 10_000
/** Delay of the acknowledging sync session after puts to a connected peer: one session covers every put in the window. */
const ACK_SYNC_DELAY_MS = 200

/**
 * The delivery side of a point-to-point pipeline. Our envelopes are durably
 * in our mailbox log before `putPacket` resolves (that log is the outbox);
 * this pushes them to the peer directly: when the peer is connected, a sync
 * session with it at once; when not, and only with `directPush`, it looks
 * the peer up (peer store, then the DHT through `transport.findPeer`),
 * dials it, and the connection starts a session (without `directPush` it
 * waits for the peer to connect: a look-up and a dial show who talks to
 * whom). The peer's version vector in that session is its
 * acknowledgement (a delivery receipt): until it shows our highest
 * envelope, attempts repeat with backoff. Nothing here is needed for
 * correctness when the two are never online together: every node carries
 * the mailbox, so sync through any of them delivers.
 */
export class Outbox {
  readonly #ctx: NodeContext
  readonly #peerId: string
  readonly #directPush: boolean
  /** Highest seq of ours (in the mailbox log) the peer must hold. */
  #pending = 0
  /** Highest seq of ours the peer is known to hold. */
  #acked = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #syncTimer: ReturnType<typeof setTimeout> | undefined
  #retries = 0
  #attempting = false
  #closed = false
  readonly #abort = new AbortController()

  /** `directPush`: look the peer up and dial it when it is not connected (see the class). */
  constructor (ctx: NodeContext, peerId: string, directPush: boolean) {
    this.#ctx = ctx
    this.#peerId = peerId
    this.#directPush = directPush
    ctx.transport.addEventListener('peer:connect', this.#onConnect)
  }

  /** Without direct push, the peer connecting (to us, or we to it for another reason) is when we push. */
  readonly #onConnect = (evt: Event): void => {
    if ((evt as CustomEvent<string>).detail === this.#peerId && !this.acknowledged) {
      this.#retries = 0
      void this.#attempt()
    }
  }

  /** Whether the peer is known to hold every envelope put so far. */
  get acknowledged (): boolean { return this.#acked >= this.#pending }

  /** Our envelope of mailbox seq `seq` must reach the peer. */
  push (seq: number): void {
    if (seq <= this.#pending) return
    this.#pending = seq
    this.#retries = 0
    void this.#attempt()
  }

  /** Takes a receipt of the mailbox: the peer now holds our log up to `seq`. */
  receipt (detail: ReceiptDetail): void {
    if (detail.peer !== this.#peerId || detail.seq <= this.#acked) return
    this.#acked = detail.seq
    if (this.acknowledged) { clearTimeout(this.#timer); this.#timer = undefined }
  }

  close (): void {
    this.#closed = true
    this.#ctx.transport.removeEventListener('peer:connect', this.#onConnect)
    clearTimeout(this.#timer)
    clearTimeout(this.#syncTimer)
    this.#timer = undefined
    this.#syncTimer = undefined
    this.#abort.abort()
  }

  async #attempt (): Promise<void> {
    if (this.#closed || this.acknowledged || this.#attempting) return
    this.#attempting = true
    let retry = true
    try {
      const transport = this.#ctx.transport
      if (!transport.started) return
      if (transport.peers().includes(this.#peerId)) {
        // connected: gossip is already carrying the envelopes; one sync session a little later
        // pushes whatever it missed and brings back the peer's vector (the acknowledgement) for many puts at once
        this.#syncSoon()
      } else if (this.#directPush) {
        this.#ctx.stats.mailbox.directPushes++
        await this.#dial()
      } else {
        // no look-up, no dial: the peer's next connection (peer:connect) or sync through any node delivers
        retry = false
      }
    } finally {
      this.#attempting = false
      if (retry) this.#retryLater()
    }
  }

  async #dial (): Promise<void> {
    const transport = this.#ctx.transport
    // the peer store first (a known peer dials by id), then the DHT
    if (await succeeds(transport.dial(this.#peerId))) return
    let addrs: string[]
    try {
      addrs = await transport.findPeer(this.#peerId, { signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(FIND_TIMEOUT_MS)]) })
    } catch {
      return
    }
    for (const addr of addrs) {
      if (this.#closed) return
      if (await succeeds(transport.dial(addr.includes('/p2p/') ? addr : `${addr}/p2p/${this.#peerId}`))) return
    }
  }

  #syncSoon (): void {
    if (this.#syncTimer !== undefined) return
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = undefined
      if (!this.#closed) this.#ctx.requestSync(this.#peerId)
    }, ACK_SYNC_DELAY_MS)
  }

  #retryLater (): void {
    if (this.#closed || this.acknowledged || this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.#attempt()
    }, backoffDelay(this.#retries++, FIRST_RETRY_MS, MAX_RETRY_MS))
  }
}

/** Whether a dial went through (a failed dial is an ordinary outcome here: the peer may be offline). */
async function succeeds (dial: Promise<void>): Promise<boolean> {
  try {
    await dial
    return true
  } catch {
    return false
  }
}
