import { PipesError } from '@pipes/interface'

/**
 * A network config (or a transport option) is not usable. `field` names the
 * offending field, e.g. `listen[1]` or `psk`.
 */
export class InvalidNetworkConfigError extends PipesError {
  static override name = 'InvalidNetworkConfigError'
  /** The config field that is wrong, e.g. `id`, `bootstrap[0]`, `listen[2]`. */
  readonly field: string

  constructor (field: string, problem: string) {
    super('ERR_INVALID_NETWORK_CONFIG', `Invalid network config field "${field}": ${problem}. Fix this field and pass the config again.`)
    this.field = field
  }
}

/** The transport is not started (never started, or already stopped). */
export class TransportStoppedError extends PipesError {
  static override name = 'TransportStoppedError'

  constructor (operation: string) {
    super('ERR_TRANSPORT_STOPPED', `Cannot ${operation}: the transport is not running. Call start() first (a stopped transport can be started again).`)
  }
}

/**
 * A stream frame is larger than the limit of the stream. Raised locally when
 * sending such a frame, and on the receiving side (where the stream is
 * aborted and the frame is counted in `stats().oversizedFrames`).
 */
export class FrameTooLargeError extends PipesError {
  static override name = 'FrameTooLargeError'
  /** The frame limit in bytes that was exceeded. */
  readonly maxFrameBytes: number

  constructor (maxFrameBytes: number, detail = '') {
    super('ERR_FRAME_TOO_LARGE', `A stream frame exceeds the limit of ${maxFrameBytes} bytes${detail}. Split the data into smaller frames or raise maxFrameBytes on both ends.`)
    this.maxFrameBytes = maxFrameBytes
  }
}

/** `findPeer` could find no address for the peer, neither locally nor in the DHT. */
export class PeerNotFoundError extends PipesError {
  static override name = 'PeerNotFoundError'
  /** The peer that was looked for. */
  readonly peerId: string

  constructor (peerId: string, options?: { cause?: unknown }) {
    super('ERR_PEER_NOT_FOUND', `No address found for peer ${peerId} in the peer store or the DHT. Make sure the peer is online and connected to this network, then retry.`, options)
    this.peerId = peerId
  }
}

/** A string given as a peer id or multiaddr is neither. */
export class InvalidPeerAddressError extends PipesError {
  static override name = 'InvalidPeerAddressError'

  constructor (value: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_PEER_ADDRESS', `"${value}" is neither a peer id (12D3Koo...) nor a multiaddr (/ip4/.../p2p/...). Pass one of those.`, options)
  }
}

/**
 * The identity given to `createTransport` cannot run a node: its secret key is
 * missing or malformed, or its key and id do not belong together. (A malformed
 * serialized identity is `@pipes/identity`'s `InvalidIdentityError`.)
 */
export class UnusableIdentityError extends PipesError {
  static override name = 'UnusableIdentityError'

  constructor (problem: string) {
    super('ERR_UNUSABLE_IDENTITY', `The identity cannot run a transport: ${problem}. Pass a LocalIdentity from @pipes/identity (generateIdentity or a key file).`)
  }
}

/** The other end reset (aborted) a protocol stream before closing it cleanly. */
export class StreamResetError extends PipesError {
  static override name = 'StreamResetError'

  constructor (remotePeer: string, protocol: string) {
    super('ERR_STREAM_RESET', `Peer ${remotePeer} reset the ${protocol} stream (it refused the data or failed). Open a new stream to retry.`)
  }
}
