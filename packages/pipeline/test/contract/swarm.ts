import { waitFor } from '@pipes/testkit'
import { topicFor } from '@pipes/transport'
import { connect, networkId, startNode } from '../helpers.js'
import type { TestNode } from '../helpers.js'
import type { ContractSwarm } from './delivery-contract.js'

/** A full mesh of `n` Pipes nodes on the memory transport, each with pipeline `name` of the given options. */
export async function makeSwarm (n: number, name: string, persistent: boolean): Promise<ContractSwarm> {
  const net = networkId('contract')
  const nodes: TestNode[] = []
  const stop = async (): Promise<void> => { await Promise.all(nodes.map(async t => { await t.stop() })) }
  try {
    for (let i = 0; i < n; i++) nodes.push(await startNode({ network: net, name: `member-${i}` }))
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) await connect(nodes[i] as TestNode, nodes[j] as TestNode)
    }
    const members = nodes.map((t, i) => ({ name: `member-${i}`, node: t.node, pipeline: t.node.createPipeline({ name, persistent, maxPacketBytes: 64 * 1024 }) }))
    // gossipsub knows every other member is subscribed: a publish reaches them all
    const topic = topicFor(net, name)
    await waitFor(() => nodes.every(t => t.transport.libp2p.services.pubsub.getSubscribers(topic).length >= n - 1), {
      timeout: 10_000, message: 'every member sees the others subscribed'
    })
    return { members, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
