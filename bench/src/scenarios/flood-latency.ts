/**
 * Scenario: honest latency under a flood. One author puts 1 KiB packets on a
 * persistent pipeline at 50/s to one receiver; the same stream is measured
 * quiet and while a hostile peer in its own process (flood-child), connected
 * to the receiver, publishes forged entries on the same topic at 100× the
 * honest rate, redialing whenever it is hung up on. Each flooded run has a
 * flooder with a new key, since the last one is still refused.
 */
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { topicFor } from '@pipes/transport'
import type { FloodChildReport, FloodChildRequest } from '../flood-child.js'
import { LiveHarness } from '../live-driver.js'
import type { LatencyRun } from '../live-driver.js'
import type { LiveSwarm } from '../live-swarm.js'
import { WARMUP, makePayload } from '../payload.js'
import { startPipesSwarm } from '../pipes-nodes.js'
import type { PipesSwarm } from '../pipes-nodes.js'
import type { ResultRow, Scenario } from '../scenario.js'
import { percentile, summarize } from '../stats.js'
import { waitFor, withTimeout } from '@pipes/test-support'
import { liveRunNote } from './notes.js'

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'flood-child.js')
const PIPELINE = 'bench-flood'
const SIZE = 1024
const RATE = 50
const FLOOD_FACTOR = 100

/** The flooding process: requests in, the next report of a kind out (bounded). */
class Flooder {
  readonly #proc: ChildProcess
  readonly #reports: FloodChildReport[] = []
  #wake: (() => void) | undefined

  constructor () {
    this.#proc = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    this.#proc.on('message', (r: FloodChildReport) => { this.#reports.push(r); this.#wake?.() })
    this.#proc.on('exit', () => { this.#reports.push({ kind: 'error', error: 'the flood process exited' }); this.#wake?.() })
  }

  send (req: FloodChildRequest): void { this.#proc.send(req) }

  async next<K extends FloodChildReport['kind']> (kind: K, timeoutMs: number): Promise<Extract<FloodChildReport, { kind: K }>> {
    return await withTimeout((async () => {
      for (;;) {
        const r = this.#reports.shift()
        if (r?.kind === 'error') throw new Error(`flood process: ${r.error}`)
        if (r?.kind === kind) return r as Extract<FloodChildReport, { kind: K }>
        if (r === undefined) await new Promise<void>((resolve) => { this.#wake = resolve })
      }
    })(), timeoutMs, `the flood process's ${kind} report`)
  }

  async stop (): Promise<void> {
    if (this.#proc.exitCode !== null) return
    const exited = new Promise<void>((resolve) => { this.#proc.once('exit', () => { resolve() }) })
    this.send({ kind: 'exit' })
    await withTimeout(exited, 10_000, 'the flood process exiting').catch(() => { this.#proc.kill('SIGKILL') })
  }
}

/** A row's note from its parts, or none. */
function notes (...parts: Array<string | undefined>): { note?: string } {
  const present = parts.filter((s): s is string => s != null && s !== '')
  return present.length > 0 ? { note: present.join('; ') } : {}
}

/** What the flooder did during one run. */
interface FloodRun {
  sent: number
  /** Dials after a hang-up that the receiver refused or that failed. */
  redialsRefused: number
}

/** The author (node 0) puts on a persistent pipeline; node 1 receives. */
function persistentPair (swarm: PipesSwarm): LiveSwarm {
  const [author, receiver] = swarm.peers.map((p) => p.node.createPipeline({ name: PIPELINE, persistent: true }))
  if (author == null || receiver == null) throw new Error('the flood scenario needs two nodes')
  return {
    receivers: 1,
    publish: async (data) => { await author.putPacket(data) },
    onReceive: (fn) => { receiver.addPacketListener((packet) => { fn(0, packet.data) }) },
    stop: swarm.stop
  }
}

export const floodLatency: Scenario = {
  id: 'flood-latency',
  title: 'Honest latency under a flood of forged entries',
  async run (ctx) {
    const seconds = ctx.quick ? 1 : 10
    const count = Math.round(RATE * seconds)
    const caseName = `1 KiB persistent at ${RATE}/s for ${seconds} s; flood ${FLOOD_FACTOR}× (${RATE * FLOOD_FACTOR}/s forged)`
    const swarm = await startPipesSwarm(2, { dir: await ctx.tempDir() })
    let flooder: Flooder | undefined
    const quiet: LatencyRun[] = []
    const flooded: LatencyRun[] = []
    const floods: FloodRun[] = []
    try {
      const pair = persistentPair(swarm)
      const harness = new LiveHarness(pair)
      const receiverPeer = swarm.peers[1]
      if (receiverPeer == null) throw new Error('the flood scenario needs two nodes')
      // warm up: the first packet reaches the receiver before measuring
      let warmed = false
      pair.onReceive(() => { warmed = true })
      await pair.publish(makePayload(WARMUP, 0, 64))
      await waitFor(() => warmed, { timeout: 20_000, interval: 10, message: 'warm-up packet at the receiver' })

      const target = receiverPeer.transport.addresses()[0]
      if (target == null) throw new Error('the receiver has no listen address')

      for (let rep = 1; rep <= ctx.repeats; rep++) {
        ctx.progress(`flood-latency: quiet run ${rep}/${ctx.repeats} (${seconds} s)`)
        quiet.push(await harness.paced(count, SIZE, RATE))
        // a new flooder (new key) each run: the last one is still refused
        ctx.progress(`flood-latency: flooded run ${rep}/${ctx.repeats} (${seconds} s), a new flooding identity`)
        await flooder?.stop()
        flooder = new Flooder()
        flooder.send({ kind: 'join', networkId: swarm.networkId, pipeline: PIPELINE, topic: topicFor(swarm.networkId, PIPELINE), target, targetId: receiverPeer.transport.peerId, size: SIZE })
        await flooder.next('ready', 30_000)
        flooder.send({ kind: 'flood', perSecond: RATE * FLOOD_FACTOR })
        try {
          flooded.push(await harness.paced(count, SIZE, RATE))
        } finally {
          flooder.send({ kind: 'stop' })
        }
        floods.push(await flooder.next('flooded', 30_000))
      }
    } finally {
      await flooder?.stop()
      await swarm.stop()
    }
    const receiver = swarm.peers[1]
    const rejects = receiver == null ? 0 : Object.values(receiver.node.stats().rejects).reduce((a, b) => a + b, 0)
    const sent = floods.reduce((a, f) => a + f.sent, 0)
    const refused = floods.reduce((a, f) => a + f.redialsRefused, 0)
    const t = receiver?.transport.stats()
    const cutoff = t == null ? '' : `, flooder cut off ${t.floodCutoffs}×, messages dropped from banned peers ${t.bannedMessages}`
    const floodNote = `forged entries published ${sent}, refused by validation ${rejects}${cutoff}, redials refused ${refused}`
    const row = (system: string, runs: LatencyRun[], p: number, extra?: string): ResultRow => ({
      scenario: 'flood-latency',
      case: caseName,
      system,
      metric: `p${p} put→listener`,
      unit: 'ms',
      better: 'lower',
      summary: summarize(runs.map((r) => percentile(r.latenciesMs, p))),
      lost: runs.reduce((a, r) => a + r.lost, 0),
      ...notes(extra, liveRunNote(runs).note)
    })
    const rows: ResultRow[] = []
    for (const p of [50, 99]) {
      const base = row('quiet (no flood)', quiet, p)
      const under = row('pipes under flood', flooded, p, floodNote)
      base.ratio = under.summary.median / base.summary.median
      if (p === 99) under.target = { text: '≤ 2× the quiet p99', met: base.ratio <= 2 }
      rows.push(under, base)
    }
    return rows
  }
}
