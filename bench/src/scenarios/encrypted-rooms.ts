/**
 * Scenario: encrypted rooms. (1) Throughput: one writer puts N × 1 KiB with
 * 64 in flight on a member-list encrypted pipeline and, in the same run, on
 * a plain persistent one, between two nodes on 127.0.0.1; packets per
 * second until the other node's listener got them all. (2) Removal: how
 * long a removal takes to take effect in a room of 10 and of 100 members,
 * from `removeMember` on the owner's node until a member's node holds the
 * new epoch's key (the removed member is shut out from then on); the room
 * shrinks by one with each repetition. Members
 * beyond the two running nodes are identities with no node: the owner seals
 * each of them a key, as it would for real members, so the record's size and
 * the sealing and opening work grow with the room, while the network part
 * is one hop.
 */
import { performance } from 'node:perf_hooks'
import { generateIdentity } from '@pipes/identity'
import type { Identity } from '@pipes/identity'
import type { EncryptedPipeline, Pipeline } from '@pipes/pipeline'
import { waitFor } from '@pipes/test-support'
import { startPipesSwarm } from '../pipes-nodes.js'
import type { PipesSwarm } from '../pipes-nodes.js'
import { compareGroup } from '../scenario.js'
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js'
import { summarize } from '../stats.js'
import { writeAll } from '../writer.js'

const SIZE = 1024
const IN_FLIGHT = 64
const ENCRYPTED = 'pipes encrypted pipeline (member list)'
const PLAIN = 'pipes persistent pipeline'

let rooms = 0

/** Packets per second from the first put until `reader` got `count` packets. */
async function throughput (swarm: PipesSwarm, kind: 'plain' | 'encrypted', count: number): Promise<number> {
  const [writer, reader] = swarm.peers as [PipesSwarm['peers'][0], PipesSwarm['peers'][0]]
  const name = `bench-room-${kind}-${++rooms}`
  let put: Pipeline
  let read: Pipeline
  if (kind === 'encrypted') {
    const owned = writer.node.createPipeline({ name, persistent: true, encrypted: { members: [reader.identity.public()] } })
    const joined = reader.node.createPipeline({ name, persistent: true, encrypted: { owner: writer.identity.id } })
    await waitFor(() => owned.hasKey && joined.hasKey, { timeout: 20_000, message: 'both ends hold the room key' })
    put = owned
    read = joined
  } else {
    put = writer.node.createPipeline({ name, persistent: true })
    read = reader.node.createPipeline({ name, persistent: true })
  }
  let got = 0
  read.addPacketListener(() => { got++ })
  const start = performance.now()
  await writeAll(async (d) => await put.putPacket(d), count, SIZE, IN_FLIGHT)
  await waitFor(() => got >= count, { timeout: 120_000, interval: 5, message: `the reader got all ${count} packets` })
  return count / ((performance.now() - start) / 1000)
}

/** Seconds from `removeMember` on the owner until the member's node holds the next epoch's key, once per removal. */
async function removals (swarm: PipesSwarm, members: number, repeats: number): Promise<number[]> {
  const [owner, member] = swarm.peers as [PipesSwarm['peers'][0], PipesSwarm['peers'][0]]
  const simulated: Identity[] = Array.from({ length: members - 2 }, (_v, i) => generateIdentity(`sim-${i}`).public())
  const name = `bench-removal-${members}-${++rooms}`
  const room = owner.node.createPipeline({ name, persistent: true, encrypted: { members: [member.identity.public(), ...simulated] } })
  const seen: EncryptedPipeline = member.node.createPipeline({ name, persistent: true, encrypted: { owner: owner.identity.id } })
  await waitFor(() => seen.hasKey, { timeout: 30_000, message: 'the member holds the room key' })
  const out: number[] = []
  for (let i = 0; i < repeats; i++) {
    const epoch = seen.epoch
    const start = performance.now()
    await room.removeMember(simulated[i] as Identity)
    await waitFor(() => seen.epoch === epoch + 1 && seen.hasKey, { timeout: 30_000, interval: 1, message: 'the member holds the new epoch key' })
    out.push((performance.now() - start) / 1000)
  }
  return out
}

async function run (ctx: ScenarioContext): Promise<ResultRow[]> {
  const count = ctx.quick ? 300 : 5000
  const swarm = await startPipesSwarm(2, { dir: await ctx.tempDir() })
  try {
    const plain: number[] = []
    const encrypted: number[] = []
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      ctx.progress(`encrypted-rooms throughput run ${rep}/${ctx.repeats}`)
      plain.push(await throughput(swarm, 'plain', count))
      encrypted.push(await throughput(swarm, 'encrypted', count))
    }
    const caseName = `1 writer → 1 reader, ${count.toLocaleString('en-US')} × 1 KiB, ${IN_FLIGHT} in flight`
    const row = (system: string, values: number[]): ResultRow => ({
      scenario: 'encrypted-rooms', case: caseName, system, metric: 'packets delivered per second', unit: 'packets/s', better: 'higher', summary: summarize(values), lost: 0
    })
    const rows = [...compareGroup([row(ENCRYPTED, encrypted), row(PLAIN, plain)])]
    for (const members of [10, 100]) {
      ctx.progress(`encrypted-rooms removal, ${members} members`)
      const times = await removals(swarm, members, ctx.repeats)
      rows.push({
        scenario: 'encrypted-rooms',
        case: `removal in a room of ${members} members (2 nodes, ${members - 2} simulated identities)`,
        system: ENCRYPTED,
        metric: 'time until a member holds the new epoch key',
        unit: 's',
        better: 'lower',
        summary: summarize(times)
      })
    }
    return rows
  } finally {
    await swarm.stop()
  }
}

export const encryptedRooms: Scenario = { id: 'encrypted-rooms', title: 'Encrypted rooms', run }
