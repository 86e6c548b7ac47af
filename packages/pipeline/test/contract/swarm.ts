import { waitFor } from '@pipes/testkit'
import { topicFor } from '@pipes/transport'
import { connect, networkId, startNode } from '../helpers.js'
import type { TestNode } from '../helpers.js'
import type { ContractSwarm } from './delivery-contract.js'

/** `n` Pipes nodes on the memory transport, every pair connected; `stop` stops them all. */
export async function mesh (n: number, prefix: string): Promise<{ net: string, nodes: TestNode[], stop: () => Promise<void> }> {
  const net = networkId(prefix)
  const nodes: TestNode[] = []
  const stop = async (): Promise<void> => { await Promise.all(nodes.map(async t => { await t.stop() })) }
  try {
    for (let i = 0; i < n; i++) nodes.push(await startNode({ network: net, name: `member-${i}` }))
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) await connect(nodes[i] as TestNode, nodes[j] as TestNode)
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { net, nodes, stop }
}

/** Waits until gossipsub on every node sees all the others subscribed to `topic`: a publish then reaches them all. */
export async function subscribed (nodes: TestNode[], topic: string): Promise<void> {
  await waitFor(() => nodes.every(t => t.transport.subscribers(topic).length >= nodes.length - 1), {
    timeout: 10_000, message: 'every member sees the others subscribed'
  })
}

/** A full mesh of `n` Pipes nodes on the memory transport, each with pipeline `name` of the given options. */
export async function makeSwarm (n: number, name: string, persistent: boolean): Promise<ContractSwarm> {
  const { net, nodes, stop } = await mesh(n, 'contract')
  try {
    const members = nodes.map((t, i) => ({ name: `member-${i}`, node: t.node, pipeline: t.node.createPipeline({ name, persistent, maxPacketBytes: 64 * 1024 }) }))
    await subscribed(nodes, topicFor(net, name))
    return { members, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
