import type { FloodGuard } from './flood-guard.js'
import type { PipesServices } from './libp2p-options.js'
import type { Redialer } from './redialer.js'
import type { ConnectionGater, IdentifyResult, Libp2p, PeerId, PeerInfo } from '@libp2p/interface'

/** How long a peer of another network stays refused after it was seen. */
const FOREIGN_PEER_TTL_MS = 10 * 60_000

/** What the peer gate needs from its transport. */
export interface PeerGateHost {
  readonly flood: FloodGuard
  /** The mesh protocol a peer of our network announces in identify. */
  readonly marker: string
  /** Below this many connections a discovered peer is dialed. */
  readonly minConnections: number
  readonly counters: { foreignPeers: number }
  started (): boolean
  libp2p (): Libp2p<PipesServices>
  redialer (): Redialer | undefined
  /** A dial's signal (the transport's, bounded by the dial timeout). */
  dialSignal (): AbortSignal
  /** Raises `peer:connect` / `peer:disconnect`. */
  dispatchEvent (event: Event): boolean
}

/**
 * Which peers a transport lets in and counts as its own: the members (peers
 * of our network, known by identify), blocked peers, peers of other
 * networks (refused for a while), flood-banned peers; the connection gater
 * that enforces it, and what identify, disconnect and discovery change.
 */
export class PeerGate {
  readonly #host: PeerGateHost
  readonly #members = new Set<string>()
  readonly #blocked = new Set<string>()
  readonly #foreign = new Map<string, number>()
  /** The connection gater that enforces blocks and refuses foreign peers. */
  readonly gater: ConnectionGater

  constructor (host: PeerGateHost) {
    this.#host = host
    const excluded = (peer: PeerId): boolean => this.excluded(peer.toString())
    this.gater = {
      // allow loopback and private addresses (LAN networks, tests, browsers dialing 127.0.0.1)
      denyDialMultiaddr: () => false,
      denyDialPeer: excluded,
      denyInboundEncryptedConnection: excluded,
      denyOutboundEncryptedConnection: excluded
    }
  }

  /** Connected peers of our network. */
  members (): string[] {
    return [...this.#members]
  }

  get size (): number { return this.#members.size }

  isMember (peerId: string): boolean {
    return this.#members.has(peerId)
  }

  /** The transport stopped: no peer is connected. */
  clear (): void {
    this.#members.clear()
  }

  block (peerId: string): void {
    this.#blocked.add(peerId)
  }

  unblock (peerId: string): void {
    this.#blocked.delete(peerId)
  }

  /** Blocked, flood-banned, or of another network lately. */
  excluded (peerId: string): boolean {
    if (this.#blocked.has(peerId) || this.#host.flood.isBanned(peerId)) return true
    const until = this.#foreign.get(peerId)
    if (until === undefined) return false
    if (until > Date.now()) return true
    this.#foreign.delete(peerId)
    return false
  }

  onIdentify (result: IdentifyResult): void {
    const host = this.#host
    const peerId = result.peerId.toString()
    if (!host.started()) return
    const libp2p = host.libp2p()
    if (!result.protocols.includes(host.marker)) {
      // a peer of another network (or not a Pipes node): refuse it for a while
      host.counters.foreignPeers++
      this.#foreign.set(peerId, Date.now() + FOREIGN_PEER_TTL_MS)
      host.redialer()?.forget(peerId)
      void libp2p.hangUp(result.peerId).catch(() => {})
      return
    }
    if (this.#members.has(peerId) || libp2p.getConnections(result.peerId).length === 0) return
    this.#members.add(peerId)
    host.redialer()?.connected(peerId)
    host.dispatchEvent(new CustomEvent('peer:connect', { detail: peerId }))
  }

  onDisconnect (peerId: string): void {
    if (!this.#members.delete(peerId)) return
    const host = this.#host
    host.dispatchEvent(new CustomEvent('peer:disconnect', { detail: peerId }))
    if (host.started() && !this.excluded(peerId)) host.redialer()?.disconnected(peerId)
  }

  onDiscovery (peer: PeerInfo): void {
    const host = this.#host
    if (!host.started()) return
    const peerId = peer.id.toString()
    const libp2p = host.libp2p()
    if (peerId === libp2p.peerId.toString() || this.excluded(peerId) || libp2p.getConnections(peer.id).length > 0) return
    if (libp2p.getPeers().length >= host.minConnections) return
    void libp2p.dial(peer.id, { signal: host.dialSignal() }).catch(() => {})
  }
}
