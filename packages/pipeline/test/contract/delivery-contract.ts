import { DeliveryChecker, waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { PacketTooLargeError } from '../../src/index.js'
import type { Packet, Pipeline, PipelineKind, PipesNode } from '../../src/index.js'

/** One member of a contract swarm: a node and its pipeline under test. */
export interface ContractMember {
  name: string
  node: PipesNode
  pipeline: Pipeline
}

/** A connected swarm whose members all have the pipeline, ready for packets to flow. */
export interface ContractSwarm {
  members: ContractMember[]
  stop: () => Promise<void>
}

/**
 * Builds `n` connected nodes, each with a pipeline of the kind under test
 * named `name`, and waits until they can exchange packets. A kind with a
 * fixed number of ends (point-to-point: 2) may build fewer.
 */
export type MakeContractSwarm = (n: number, name: string) => Promise<ContractSwarm>

const enc = (text: string): Uint8Array => new TextEncoder().encode(text)

/**
 * The delivery contract every pipeline kind keeps: each packet put by a
 * member reaches every member's listeners (its sender's too) exactly once,
 * in per-author order, with the sender verified; listener failures and
 * oversized packets break nothing.
 */
export function runDeliveryContract (kind: PipelineKind, makeSwarm: MakeContractSwarm): void {
  describe(`delivery contract: ${kind}`, () => {
    let swarm: ContractSwarm | undefined
    afterEach(async () => {
      await swarm?.stop()
      swarm = undefined
    })

    const record = (checker: DeliveryChecker, m: ContractMember): (p: Packet) => void =>
      (p) => { checker.delivered({ node: m.name, author: p.sender.id, id: p.id, seq: p.seq }) }

    it('every packet reaches every member once, in per-author order, the sender included', async () => {
      swarm = await makeSwarm(3, 'contract-all')
      const checker = new DeliveryChecker()
      const names = swarm.members.map(m => m.name)
      for (const m of swarm.members) {
        expect(m.pipeline.kind).toBe(kind)
        m.pipeline.addPacketListener(record(checker, m))
      }
      // every member sends 40 packets, 8 in flight at a time
      await Promise.all(swarm.members.map(async (m) => {
        for (let i = 0; i < 40; i += 8) {
          const puts = await Promise.all(Array.from({ length: 8 }, async (_, j) => await m.pipeline.putPacket(enc(`${m.name}:${i + j}`))))
          for (const p of puts) checker.acknowledged({ author: p.sender.id, id: p.id, seq: p.seq, expectedAt: names })
        }
      }))
      const report = await checker.waitForComplete({ timeout: 20_000 })
      const n = swarm.members.length
      expect(report.acknowledged).toBe(40 * n)
      expect(report).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0, unacknowledged: 0 })
      // nothing more arrives late
      await new Promise(resolve => setTimeout(resolve, 300))
      expect(checker.report()).toMatchObject({ deliveries: 40 * n * n, duplicated: 0 })
    })

    it('a packet carries its data, a verified sender, time, id and pipeline', async () => {
      swarm = await makeSwarm(2, 'contract-fields')
      const [a, b] = swarm.members as [ContractMember, ContractMember]
      const got: Packet[] = []
      b.pipeline.addPacketListener((p, pipeline) => { expect(pipeline).toBe(b.pipeline); got.push(p) })
      const before = Date.now()
      const sent = await a.pipeline.putPacket(enc('hello'))
      await waitFor(() => got.length === 1, { timeout: 10_000, message: 'b got the packet' })
      const p = got[0] as Packet
      expect(new TextDecoder().decode(p.data)).toBe('hello')
      expect(p.sender.id).toBe(a.node.identity.id)
      expect(p.sender.name).toBe(a.node.identity.name)
      expect(p.id).toMatch(/^[0-9a-f]{64}$/)
      expect(p.id).toBe(sent.id)
      expect(p.pipeline).toBe('contract-fields')
      expect(p.timestamp).toBeGreaterThanOrEqual(before - 5)
      expect(p.timestamp).toBeLessThanOrEqual(Date.now() + 5)
    })

    it('a removed listener gets nothing more; a throwing listener stops no one', async () => {
      swarm = await makeSwarm(2, 'contract-listeners')
      const [a, b] = swarm.members as [ContractMember, ContractMember]
      const kept: string[] = []
      const removed: string[] = []
      const removedFn = (p: Packet): void => { removed.push(p.id) }
      b.pipeline.addPacketListener(() => { throw new Error('listener bug') })
      b.pipeline.addPacketListener(removedFn)
      b.pipeline.addPacketListener((p) => { kept.push(p.id) })
      await a.pipeline.putPacket(enc('one'))
      await waitFor(() => kept.length === 1 && removed.length === 1, { timeout: 10_000, message: 'first packet delivered' })
      b.pipeline.removePacketListener(removedFn)
      await a.pipeline.putPacket(enc('two'))
      await waitFor(() => kept.length === 2, { timeout: 10_000, message: 'second packet delivered' })
      expect(removed).toHaveLength(1)
      expect(b.node.stats().listenerErrors).toBe(2)
    })

    it('an oversized packet throws ERR_PACKET_TOO_LARGE and nothing is sent', async () => {
      swarm = await makeSwarm(2, 'contract-size')
      const [a, b] = swarm.members as [ContractMember, ContractMember]
      const got: Packet[] = []
      b.pipeline.addPacketListener((p) => { got.push(p) })
      const big = new Uint8Array(a.pipeline.maxPacketBytes + 1)
      await expect(a.pipeline.putPacket(big)).rejects.toBeInstanceOf(PacketTooLargeError)
      await expect(a.pipeline.putPacket(big)).rejects.toMatchObject({ code: 'ERR_PACKET_TOO_LARGE' })
      await a.pipeline.putPacket(new Uint8Array(a.pipeline.maxPacketBytes))
      await waitFor(() => got.length === 1, { timeout: 10_000, message: 'the packet at the limit arrived' })
      expect(got[0]?.data.length).toBe(a.pipeline.maxPacketBytes)
      expect(a.node.stats().put).toBe(1)
    })
  })
}
