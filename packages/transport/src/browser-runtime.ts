import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webSockets } from '@libp2p/websockets'
import type { RuntimeProfile } from './libp2p-options.js'

/** Browser: WebSockets and circuit relay (listen on `/p2p-circuit` to be reachable through a relay). */
export const browserRuntime: RuntimeProfile = {
  name: 'browser',
  listenKinds: new Set(['circuit']),
  transports: () => [webSockets(), circuitRelayTransport()],
  discovery: () => []
}
