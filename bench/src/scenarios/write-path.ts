/**
 * Scenario 5, local write path: `putPacket` of 1 KiB packets on a persistent
 * pipeline of a node with no peers (sign + encode + durable store), awaited
 * one by one and with 64 in flight; µs per entry.
 *
 * The pipeline exposes no timing split, so the pieces are timed separately
 * here with the same code the pipeline runs: identity's `signSync` and
 * `sign` (the pipeline signs with `sign`, many at once) over the pipeline's
 * `entrySigningBytes`, the pipeline's `encodeUnsignedEntry` +
 * `attachEntrySignature`, the entry id hash (via `entryMessageId`), and a
 * synced datastore-level (classic-level) batch of the entry bytes, as the
 * pipeline's group commit writes them.
 */
import { performance } from 'node:perf_hooks'
import { attachEntrySignature, encodeUnsignedEntry, entryMessageId, entrySigningBytes, FLAG_PERSISTENT } from '@pipes/pipeline'
import { makePayload, MEASURED } from '../payload.js'
import { startPipesPeer } from '../pipes-nodes.js'
import type { PipesPeer } from '../pipes-nodes.js'
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js'
import { summarize } from '../stats.js'
import { writeAll } from '../writer.js'

const SIZE = 1024
const PIPELINE = 'bench-write'

interface LevelBatch {
  batch: (ops: Array<{ type: 'put', key: string, value: Uint8Array }>, options: { sync: boolean }) => Promise<void>
}

async function putPath (ctx: ScenarioContext, count: number, inFlight: number): Promise<number> {
  const peer = await startPipesPeer({ dir: await ctx.tempDir(), networkId: `bench-write-${process.pid}` })
  try {
    const pipeline = peer.node.createPipeline({ name: PIPELINE, persistent: true })
    await pipeline.putPacket(makePayload(MEASURED, 0, SIZE)) // the store is open after this
    const start = performance.now()
    await writeAll(async (d) => await pipeline.putPacket(d), count, SIZE, inFlight, 1)
    return (performance.now() - start) * 1000 / count
  } finally {
    await peer.stop()
  }
}

interface Pieces { signSync: number, sign1: number, sign64: number, encode: number, hash: number, store1: number, store64: number }

/** Times each piece of the write path on its own, µs per entry. */
async function pieces (ctx: ScenarioContext, count: number, storeOneByOne: number): Promise<Pieces> {
  const peer: PipesPeer = await startPipesPeer({ dir: await ctx.tempDir(), networkId: `bench-pieces-${process.pid}` })
  try {
    const payloads = Array.from({ length: count }, (_v, i) => makePayload(MEASURED, i, SIZE))
    const prev = new Uint8Array(32).fill(7)
    const fields = (i: number): Parameters<typeof encodeUnsignedEntry>[0] => ({
      network: peer.node.networkId,
      pipeline: PIPELINE,
      author: peer.identity.publicKey,
      authorName: peer.identity.name,
      nameSignature: peer.identity.nameSignature,
      seq: i + 1,
      prev,
      time: Date.now(),
      counter: 0,
      flags: FLAG_PERSISTENT,
      payload: payloads[i] as Uint8Array
    })

    let t = performance.now()
    const unsigned: Uint8Array[] = []
    for (let i = 0; i < count; i++) unsigned.push(encodeUnsignedEntry(fields(i)))
    const encodeUnsignedUs = (performance.now() - t) * 1000 / count

    const signed = Math.min(count, 5_000)
    t = performance.now()
    for (let i = 0; i < signed; i++) peer.identity.signSync(entrySigningBytes(unsigned[i] as Uint8Array))
    const signSync = (performance.now() - t) * 1000 / signed

    t = performance.now()
    for (let i = 0; i < signed; i++) await peer.identity.sign(entrySigningBytes(unsigned[i] as Uint8Array))
    const sign1 = (performance.now() - t) * 1000 / signed

    // What the pipeline does: async sign, many at once.
    const signatures: Uint8Array[] = new Array<Uint8Array>(count)
    let next = 0
    t = performance.now()
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < count) {
        const i = next++
        signatures[i] = await peer.identity.sign(entrySigningBytes(unsigned[i] as Uint8Array))
      }
    }))
    const sign64 = (performance.now() - t) * 1000 / count

    t = performance.now()
    const wires: Uint8Array[] = []
    for (let i = 0; i < count; i++) wires.push(attachEntrySignature(unsigned[i] as Uint8Array, signatures[i] as Uint8Array))
    const encode = encodeUnsignedUs + (performance.now() - t) * 1000 / count

    t = performance.now()
    for (let i = 0; i < count; i++) entryMessageId(wires[i] as Uint8Array)
    const hash = (performance.now() - t) * 1000 / count

    const db = (peer.datastore as unknown as { db: LevelBatch }).db
    const key = (prefix: string, i: number): string => `/bench/${prefix}/${String(i).padStart(10, '0')}`
    t = performance.now()
    for (let i = 0; i < storeOneByOne; i++) {
      await db.batch([{ type: 'put', key: key('one', i), value: wires[i % count] as Uint8Array }], { sync: true })
    }
    const store1 = (performance.now() - t) * 1000 / storeOneByOne

    t = performance.now()
    for (let i = 0; i < count; i += 64) {
      const ops = []
      for (let j = i; j < Math.min(count, i + 64); j++) ops.push({ type: 'put' as const, key: key('batch', j), value: wires[j] as Uint8Array })
      await db.batch(ops, { sync: true })
    }
    const store64 = (performance.now() - t) * 1000 / count
    return { signSync, sign1, sign64, encode, hash, store1, store64 }
  } finally {
    await peer.stop()
  }
}

export const writePath: Scenario = {
  id: 'write-path',
  title: 'Local write path',
  async run (ctx) {
    const count = ctx.quick ? 1_000 : 100_000
    const pieceCount = ctx.quick ? 500 : 20_000
    const oneByOneStores = ctx.quick ? 100 : 5_000
    const serial: number[] = []
    const windowed: number[] = []
    const parts: Pieces[] = []
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      ctx.progress(`write-path: ${count.toLocaleString('en-US')} puts awaited one by one, run ${rep}/${ctx.repeats}`)
      serial.push(await putPath(ctx, count, 1))
      ctx.progress(`write-path: ${count.toLocaleString('en-US')} puts with 64 in flight, run ${rep}/${ctx.repeats}`)
      windowed.push(await putPath(ctx, count, 64))
      ctx.progress(`write-path: pieces timed separately, run ${rep}/${ctx.repeats}`)
      parts.push(await pieces(ctx, pieceCount, oneByOneStores))
    }
    const row = (caseName: string, system: string, values: number[]): ResultRow => ({
      scenario: 'write-path',
      case: caseName,
      system,
      metric: 'µs per entry',
      unit: 'µs',
      better: 'lower',
      summary: summarize(values)
    })
    const n = count.toLocaleString('en-US')
    const oneByOne = row(`${n} × 1 KiB, awaited one by one`, 'pipes putPacket (persistent)', serial)
    oneByOne.note = `${Math.round(1e6 / oneByOne.summary.median).toLocaleString('en-US')} entries/s`
    const inFlight = row(`${n} × 1 KiB, 64 in flight`, 'pipes putPacket (persistent)', windowed)
    const rate = 1e6 / inFlight.summary.median
    inFlight.target = { text: `≥ 20,000 entries/s (≤ 50 µs); is ${Math.round(rate).toLocaleString('en-US')}/s`, met: rate >= 20_000 }
    const piecesCase = 'pieces, timed separately (no split exposed)'
    return [
      oneByOne,
      inFlight,
      row(piecesCase, 'sign: identity.signSync (noble)', parts.map((p) => p.signSync)),
      row(piecesCase, 'sign: identity.sign, one by one', parts.map((p) => p.sign1)),
      row(piecesCase, 'sign: identity.sign, 64 in flight', parts.map((p) => p.sign64)),
      row(piecesCase, 'encode: encodeUnsignedEntry + attach', parts.map((p) => p.encode)),
      row(piecesCase, 'hash: entry id (sha256)', parts.map((p) => p.hash)),
      row(piecesCase, 'store: synced level batch of 1', parts.map((p) => p.store1)),
      row(piecesCase, 'store: synced level batch of 64', parts.map((p) => p.store64))
    ]
  }
}
