import { generateIdentity } from '@pipes/identity'
import { createTransport } from '@pipes/transport'
import { TEST_TRANSPORT_OPTIONS } from '@pipes/testkit'
import { MemoryDatastore } from 'datastore-core'
import { afterEach, expect, it } from 'vitest'
import { createPipesNode, DEFAULT_BUFFER_LIMITS, entryMessageId } from '../src/index.js'
import { networkId } from './helpers.js'
import type { Transport } from '@pipes/transport'

const transports: Transport[] = []
afterEach(async () => { await Promise.all(transports.splice(0).map(async t => { await t.stop() })) })

it('bufferLimits: a limit that is not a positive number, or not a limit, is refused with ERR_INVALID_ARGUMENT', async () => {
  const identity = generateIdentity('limits')
  const transport = await createTransport({ identity, network: { id: networkId('limits'), listen: [] }, messageId: entryMessageId, options: TEST_TRANSPORT_OPTIONS, start: false })
  transports.push(transport)
  const make = (bufferLimits: unknown): unknown => createPipesNode({ identity, transport, datastore: new MemoryDatastore(), bufferLimits } as never)
  for (const bad of [{ heldBytes: -1 }, { gapTtlMs: 0 }, { heldTtlMs: Number.NaN }, { heldBytes: '1' }, { heldBites: 1 }, 'small']) {
    expect(() => make(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
  }
  expect(DEFAULT_BUFFER_LIMITS.heldAuthorBytes).toBe(4 * 1024 * 1024)
  const node = make({ heldTtlMs: 1000 }) as { stop: () => Promise<void> }
  await node.stop()
})
