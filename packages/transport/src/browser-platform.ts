import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webSockets } from '@libp2p/websockets'
import type { Platform } from './libp2p-options.js'

/** Browser: WebSockets and circuit relay (listen on `/p2p-circuit` to be reachable through a relay). */
export const browserPlatform: Platform = {
  name: 'browser',
  listenKinds: new Set(['circuit']),
  transports: () => [webSockets(), circuitRelayTransport()],
  discovery: () => []
}
