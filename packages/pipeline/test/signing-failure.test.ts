import { generateIdentity } from '@pipes/identity'
import { withTimeout } from '@pipes/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { SigningError } from '../src/index.js'
import { dec, enc, networkId, startNode } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'
import type { Packet } from '../src/index.js'
import type { TestNode } from './helpers.js'

/** A real LocalIdentity whose next `sign()` calls (as many as `failures()` says) reject: an app's signer failing. */
function flakySigner (real: LocalIdentity, fail: () => boolean): LocalIdentity {
  return new Proxy(real, {
    get (target, prop) {
      if (prop === 'sign') {
        return async (message: Uint8Array) => {
          if (fail()) throw new Error('the signer is unavailable')
          return await target.sign(message)
        }
      }
      const value = Reflect.get(target, prop, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

describe('a put whose signing fails', () => {
  const nodes: TestNode[] = []
  afterEach(async () => { for (const n of nodes.splice(0)) await n.stop() })

  it('rejects with SigningError; the puts after it never hang and later puts are stored in order', async () => {
    let failures = 0
    const identity = flakySigner(generateIdentity('flaky'), () => failures-- > 0)
    const a = await startNode({ network: networkId('sign'), identity, online: false })
    nodes.push(a)
    const pipeline = a.node.createPipeline({ name: 'room', persistent: true })
    const got: Packet[] = []
    pipeline.addPacketListener(p => { got.push(p) })
    await pipeline.putPacket(enc('one'))

    // the first of three concurrent puts fails to sign; the other two chain on it
    failures = 1
    const results = await withTimeout(Promise.allSettled([pipeline.putPacket(enc('x')), pipeline.putPacket(enc('y')), pipeline.putPacket(enc('z'))]), 10_000, 'puts after a failed signature settle')
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'ERR_SIGNING_FAILED' } })
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(SigningError)
    for (const r of results.slice(1)) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SigningError)
    }

    const next = await withTimeout(pipeline.putPacket(enc('two')), 10_000, 'a later put')
    const stored = results.filter(r => r.status === 'fulfilled').length
    expect(next.seq).toBe(2 + stored)
    const history: string[] = []
    for await (const p of pipeline.history()) history.push(`${p.seq}:${dec(p.data)}`)
    expect(history[0]).toBe('1:one')
    expect(history[history.length - 1]).toBe(`${next.seq}:two`)
    expect(history.map(h => Number(h.split(':')[0]))).toEqual(Array.from({ length: next.seq }, (_, i) => i + 1))
  }, 30_000)
})
