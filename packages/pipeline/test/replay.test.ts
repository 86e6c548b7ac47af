// addPacketListener({ replay: true }) reads the store, so (docs/architecture.md,
// "When a call is async") it returns a Promise that resolves once the replay
// has been delivered.
import { waitFor } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { dec, enc, networkId, startNode } from './helpers.js'
import type { TestNode } from './helpers.js'
import type { Packet } from '../src/index.js'

describe('addPacketListener replay', () => {
  const running: TestNode[] = []
  afterEach(async () => { await Promise.all(running.splice(0).map(async n => { await n.stop() })) })

  it('resolves once every packet already delivered to others has reached the new listener', async () => {
    const t = await startNode({ network: networkId('replay'), online: false })
    running.push(t)
    const log = t.node.createPipeline({ name: 'log', persistent: true })
    const first: Packet[] = []
    await log.addPacketListener((p) => { first.push(p) })
    for (const text of ['a', 'b', 'c']) await log.putPacket(enc(text))
    await waitFor(() => first.length === 3, { timeout: 10_000, message: 'the first listener got all three' })
    const late: string[] = []
    const replaying = log.addPacketListener((p) => { late.push(dec(p.data)) }, { replay: true })
    expect(replaying).toBeInstanceOf(Promise)
    await replaying
    expect(late).toEqual(['a', 'b', 'c'])
  })

  it('a live pipeline has nothing to replay: its promise resolves at once', async () => {
    const t = await startNode({ network: networkId('replay'), online: false })
    running.push(t)
    const live = t.node.createPipeline({ name: 'live' })
    await expect(live.addPacketListener(() => {}, { replay: true })).resolves.toBeUndefined()
    expect(() => live.addPacketListener(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
  })
})
