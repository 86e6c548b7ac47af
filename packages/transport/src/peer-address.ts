import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidPeerAddressError } from './errors.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Parses a peer id string, or throws {@link InvalidPeerAddressError}. */
export function parsePeerId (value: string): PeerId {
  if (typeof value !== 'string') throw new InvalidPeerAddressError(String(value))
  try {
    return peerIdFromString(value)
  } catch (err) {
    throw new InvalidPeerAddressError(value, { cause: err })
  }
}

/** Parses a multiaddr (starts with `/`) or a peer id string. */
export function parseDialTarget (value: string): PeerId | Multiaddr {
  if (typeof value !== 'string') throw new InvalidPeerAddressError(String(value))
  if (!value.startsWith('/')) return parsePeerId(value)
  try {
    return multiaddr(value)
  } catch (err) {
    throw new InvalidPeerAddressError(value, { cause: err })
  }
}

/** The peer id at the end of a multiaddr, if it has one. */
export function peerIdOfAddr (addr: Multiaddr): string | undefined {
  return addr.getComponents().findLast(c => c.name === 'p2p')?.value
}

/** A multiaddr string ending in `/p2p/<peerId>`. */
export function withPeerId (addr: Multiaddr, peerId: string): string {
  return peerIdOfAddr(addr) === undefined ? `${addr.toString()}/p2p/${peerId}` : addr.toString()
}
