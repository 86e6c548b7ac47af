import { waitFor } from '@pipes/testkit'
import { topicFor } from '@pipes/transport'
import { MAILBOX_PIPELINE } from '../../src/index.js'
import { mesh, subscribed } from './swarm.js'
import type { EncryptedPipeline, Pipeline } from '../../src/index.js'
import type { TestNode } from '../helpers.js'
import type { ContractSwarm } from './delivery-contract.js'

/**
 * A member-list encrypted pipeline on `n` connected nodes: member 0 creates
 * it with the others as members, the others join with member 0 as owner;
 * ready once every member holds the epoch key.
 */
export async function makeEncryptedSwarm (n: number, name: string): Promise<ContractSwarm> {
  const { net, nodes, stop } = await mesh(n, 'contract-enc')
  try {
    const [owner, ...rest] = nodes as [TestNode, ...TestNode[]]
    const pipelines: EncryptedPipeline[] = [
      owner.node.createPipeline({ name, persistent: true, maxPacketBytes: 64 * 1024, encrypted: { members: rest.map(t => t.identity.public()) } }),
      ...rest.map(t => t.node.createPipeline({ name, persistent: true, maxPacketBytes: 64 * 1024, encrypted: { owner: owner.identity.id } }))
    ]
    await waitFor(() => pipelines.every(p => p.hasKey), { timeout: 15_000, message: 'every member holds the key' })
    await subscribed(nodes, topicFor(net, name))
    return { members: nodes.map((t, i) => ({ name: `member-${i}`, node: t.node, pipeline: pipelines[i] as Pipeline })), stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** A point-to-point pipeline between two connected nodes (it has two ends, whatever `n` asks). */
export async function makeP2pSwarm (_n: number, name: string): Promise<ContractSwarm> {
  const { net, nodes, stop } = await mesh(2, 'contract-p2p')
  try {
    const [a, b] = nodes as [TestNode, TestNode]
    const members = [
      { name: 'member-0', node: a.node, pipeline: a.node.createPipeline({ name, peer: b.identity.public(), maxPacketBytes: 64 * 1024 }) },
      { name: 'member-1', node: b.node, pipeline: b.node.createPipeline({ name, peer: a.identity.public(), maxPacketBytes: 64 * 1024 }) }
    ]
    await subscribed(nodes, topicFor(net, MAILBOX_PIPELINE))
    return { members, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
