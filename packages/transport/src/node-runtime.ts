import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { mdns } from '@libp2p/mdns'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import type { RuntimeProfile } from './libp2p-options.js'

/** mDNS service tag of a network: nodes of other networks do not even answer. */
function serviceTag (networkId: string): string {
  const label = networkId.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
  return `_pipes-${label}._udp.local`
}

/** Node: TCP, WebSockets, memory and circuit relay; mDNS when asked. */
export const nodeRuntime: RuntimeProfile = {
  name: 'node',
  listenKinds: new Set(['tcp', 'ws', 'memory', 'circuit']),
  transports: () => [tcp(), webSockets(), memory(), circuitRelayTransport()],
  discovery: (network) => network.mdns ? [mdns({ serviceTag: serviceTag(network.id) })] : []
}
