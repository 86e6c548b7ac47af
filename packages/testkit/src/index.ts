/**
 * @packageDocumentation
 * Private test kit of Pipes: swarms of real transports on 127.0.0.1 or the
 * memory transport, partitions, and waits that always carry a timeout.
 *
 * @example
 * ```ts
 * import { startSwarm, partition, waitFor } from '@pipes/testkit'
 *
 * const swarm = await startSwarm({ n: 4, transport: 'memory', topology: 'full' })
 * const [a, b, c, d] = swarm.nodes
 * const split = await partition([[a, b], [c, d]])
 * await split.heal()
 * await waitFor(() => a.peers().length === 3, { timeout: 5000, message: 'a sees everyone' })
 * await swarm.stop()
 * ```
 */
// the waits live in @pipes/test-support (no Pipes dependency, so the transport's tests use them too); the kit passes them on
export { WaitTimeoutError, waitFor, waitForEvent, withTimeout } from '@pipes/test-support'
export type { WaitForOptions, WaitForEventOptions } from '@pipes/test-support'
export { startSwarm, TEST_TRANSPORT_OPTIONS } from './swarm.js'
export type { Swarm, SwarmOptions } from './swarm.js'
export { partition } from './partition.js'
export type { Partition } from './partition.js'
export { DeliveryChecker } from './delivery-checker.js'
export type { AckRecord, DeliveryRecord, DeliveryReport, WaitCompleteOptions } from './delivery-checker.js'
export { startHostilePeer } from './hostile-peer.js'
export type { HostilePeer, HostilePeerOptions, SendFramesOptions, SendFramesResult } from './hostile-peer.js'
