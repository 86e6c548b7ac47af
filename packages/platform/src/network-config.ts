import { resolveNetworkConfig } from '@pipes/transport'
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

/**
 * Checks a network config from the app (or from `networks.json`) with the one
 * validator, `@pipes/transport`'s `resolveNetworkConfig` (so a config that
 * would not start a node is refused here, when it is added, not later), and
 * returns a plain copy of the fields it has, without filling defaults.
 *
 * @throws `InvalidNetworkConfigError` (`ERR_INVALID_NETWORK_CONFIG`) naming the first bad field
 */
export function normalizeNetworkConfig (config: unknown): NetworkConfig {
  const resolved = resolveNetworkConfig(config)
  const given = config as Record<string, unknown>
  const out: NetworkConfig = { id: resolved.id }
  for (const field of ['listen', 'bootstrap', 'mdns', 'relay', 'psk'] as const) {
    if (given[field] !== undefined) Object.assign(out, { [field]: resolved[field] })
  }
  return out
}
