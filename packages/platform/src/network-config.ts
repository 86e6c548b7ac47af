import { InvalidNetworkConfigError } from './errors.js'
import type { NetworkConfig } from '@pipes/transport'

/** The id of the built-in loopback network. */
export const LOCAL_NETWORK_ID = 'local'

/**
 * The built-in network every `PlatformAPI` knows without set-up: nodes listen
 * on 127.0.0.1 at a TCP port the OS picks, with no mDNS and no bootstrap, so
 * nothing leaves the machine. Nodes find each other through `node.dial(addr)`
 * with an address from another node's `node.addresses()`.
 */
export const LOCAL_NETWORK: Readonly<NetworkConfig> = Object.freeze({
  id: LOCAL_NETWORK_ID,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  bootstrap: [],
  mdns: false,
  relay: false
})

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

function stringList (value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string' || v.length === 0)) {
    throw new InvalidNetworkConfigError(`"${field}" must be an array of multiaddr strings`)
  }
  return [...value] as string[]
}

/**
 * Checks a network config from the app (or from `networks.json`) and returns
 * a plain copy of it with only the known fields.
 */
export function normalizeNetworkConfig (config: unknown): NetworkConfig {
  if (config === null || typeof config !== 'object') {
    throw new InvalidNetworkConfigError('expected an object such as { id: "my-net", listen: ["/ip4/0.0.0.0/tcp/0"] }')
  }
  const c = config as Record<string, unknown>
  if (typeof c.id !== 'string' || !ID_PATTERN.test(c.id)) {
    throw new InvalidNetworkConfigError('"id" must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit (it names topics and a directory)')
  }
  const out: NetworkConfig = { id: c.id }
  const listen = stringList(c.listen, 'listen')
  if (listen !== undefined) out.listen = listen
  const bootstrap = stringList(c.bootstrap, 'bootstrap')
  if (bootstrap !== undefined) out.bootstrap = bootstrap
  for (const field of ['mdns', 'relay'] as const) {
    if (c[field] === undefined) continue
    if (typeof c[field] !== 'boolean') throw new InvalidNetworkConfigError(`"${field}" must be true or false`)
    out[field] = c[field]
  }
  if (c.psk !== undefined) {
    if (typeof c.psk !== 'string' || c.psk.length === 0) throw new InvalidNetworkConfigError('"psk" must be the text of a libp2p pre-shared key file')
    out.psk = c.psk
  }
  return out
}
