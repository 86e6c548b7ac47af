import { multiaddr } from '@multiformats/multiaddr'
import { bytesToHex, randomBytes } from '@pipes/identity'
import { InvalidNetworkConfigError } from './errors.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * One Pipes network: which peers to start from, where to listen, and whether
 * it is private. Every protocol id and topic carries `id`, so two networks on
 * one machine never exchange messages or DHT records.
 */
export interface NetworkConfig {
  /** Network id; part of every protocol id and topic. Letters, digits, `.`, `_`, `-`; 1 to 64 characters. */
  id: string
  /** Multiaddrs of bootstrap peers, each ending in `/p2p/<peer id>`. Default `[]`. */
  bootstrap?: string[]
  /** Multiaddrs to listen on: `/ip4/…/tcp/N`, `/ip4/…/tcp/N/ws`, `/memory/<name>`, `/p2p-circuit`. Default `[]` (dial only). */
  listen?: string[]
  /** Discover peers of this network on the local network with mDNS (Node only). Default `false`. */
  mdns?: boolean
  /** Serve circuit relay v2 and keep connections open for others (a server node). Default `false`. */
  relay?: boolean
  /** Pre-shared key of a private network: the libp2p v1 key file text (see {@link generatePsk}). Default none (open network). */
  psk?: string
}

/** The network config after validation, with every default filled in. */
export interface ResolvedNetworkConfig {
  id: string
  bootstrap: string[]
  listen: string[]
  mdns: boolean
  relay: boolean
  psk?: string
}

// Starts with a letter or digit: the id also names a directory (the platform's), so ".." must not pass.
const NETWORK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const PSK_TEXT = /^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n([0-9a-fA-F]{64})\s*$/

/** Transports a listen address may use. */
export type ListenKind = 'tcp' | 'ws' | 'memory' | 'circuit'

/** What kind of listener a multiaddr asks for, or undefined for an unknown transport. */
export function listenKind (addr: Multiaddr): ListenKind | undefined {
  const names = addr.getComponents().map(c => c.name)
  const path = names.join('/')
  if (path === 'memory') return 'memory'
  if (path === 'p2p-circuit') return 'circuit'
  const host = names[0]
  if (host !== 'ip4' && host !== 'ip6' && host !== 'dns4' && host !== 'dns6' && host !== 'dns') return undefined
  const rest = names.slice(1).join('/')
  if (rest === 'tcp') return 'tcp'
  if (rest === 'tcp/ws') return 'ws'
  return undefined
}

function parseAddr (field: string, value: unknown): Multiaddr {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidNetworkConfigError(field, 'expected a multiaddr string such as /ip4/127.0.0.1/tcp/0')
  }
  try {
    return multiaddr(value)
  } catch (err) {
    throw new InvalidNetworkConfigError(field, `"${value}" is not a valid multiaddr (${(err as Error).message})`)
  }
}

function optionalBoolean (config: Record<string, unknown>, field: string): boolean {
  const value = config[field]
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw new InvalidNetworkConfigError(field, 'expected true or false')
  return value
}

function stringList (config: Record<string, unknown>, field: string): unknown[] {
  const value = config[field]
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new InvalidNetworkConfigError(field, 'expected an array of multiaddr strings')
  return value
}

/**
 * Checks a network config and fills in its defaults.
 *
 * @throws {@link InvalidNetworkConfigError} naming the first bad field.
 */
export function resolveNetworkConfig (input: unknown): ResolvedNetworkConfig {
  if (input == null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidNetworkConfigError('network', 'expected an object { id, bootstrap, listen, mdns, relay, psk }')
  }
  const config = input as Record<string, unknown>
  const id = config.id
  if (typeof id !== 'string' || id === '') throw new InvalidNetworkConfigError('id', 'expected a non-empty string')
  if (!NETWORK_ID.test(id)) throw new InvalidNetworkConfigError('id', `"${id}" may only use letters, digits, ".", "_" and "-", starting with a letter or digit (1 to 64 characters)`)

  const bootstrap = stringList(config, 'bootstrap').map((value, i) => {
    const field = `bootstrap[${i}]`
    const addr = parseAddr(field, value)
    if (addr.getComponents().find(c => c.name === 'p2p') == null) {
      throw new InvalidNetworkConfigError(field, `"${String(value)}" must end with /p2p/<peer id> so the peer can be authenticated`)
    }
    return addr.toString()
  })

  const listen = stringList(config, 'listen').map((value, i) => {
    const field = `listen[${i}]`
    const addr = parseAddr(field, value)
    if (listenKind(addr) === undefined) {
      throw new InvalidNetworkConfigError(field, `unknown transport in "${String(value)}"; supported: /ip4|ip6|dns/…/tcp/N, /…/tcp/N/ws, /memory/<name>, /p2p-circuit`)
    }
    return addr.toString()
  })

  const mdns = optionalBoolean(config, 'mdns')
  const relay = optionalBoolean(config, 'relay')

  const resolved: ResolvedNetworkConfig = { id, bootstrap, listen, mdns, relay }
  if (config.psk !== undefined) {
    if (typeof config.psk !== 'string' || !PSK_TEXT.test(config.psk)) {
      throw new InvalidNetworkConfigError('psk', 'expected a libp2p v1 pre-shared key ("/key/swarm/psk/1.0.0/\\n/base16/\\n" + 64 hex digits); make one with generatePsk()')
    }
    resolved.psk = config.psk
  }
  return resolved
}

/** The pnet key bytes for a validated psk text. */
export function pskBytes (psk: string): Uint8Array {
  const hex = PSK_TEXT.exec(psk)?.[1]
  if (hex === undefined) throw new InvalidNetworkConfigError('psk', 'not a libp2p v1 pre-shared key')
  return new TextEncoder().encode(`/key/swarm/psk/1.0.0/\n/base16/\n${hex.toLowerCase()}`)
}

/**
 * Makes a new random pre-shared key for a private network, as the libp2p v1
 * key file text. Give the same text to every node of the network as
 * `NetworkConfig.psk`; nodes without it cannot connect.
 */
export function generatePsk (): string {
  const hex = bytesToHex(randomBytes(32))
  return `/key/swarm/psk/1.0.0/\n/base16/\n${hex}`
}

/** The gossipsub topic of a pipeline: `/pipes/<net>/<pipeline>`. */
export function topicFor (networkId: string, pipelineName: string): string {
  return `/pipes/${networkId}/${pipelineName}`
}

/** A network-scoped protocol id: `/pipes/<net>/<name>/<version>`. */
export function protocolFor (networkId: string, name: string, version: string): string {
  return `/pipes/${networkId}/${name}/${version}`
}
