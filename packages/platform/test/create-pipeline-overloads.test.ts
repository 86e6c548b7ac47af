import { generateIdentity } from '@pipes/identity'
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest'
import { LOCAL_NETWORK_ID } from '../src/index.js'
import { Scratch } from './helpers.js'
import type { EncryptedPipeline, Pipeline, PointToPointPipeline } from '@pipes/pipeline'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

// The pipeline layer's createPipeline overloads reach the app through the
// platform's PlatformNode with their return types (typecheck fails otherwise), so
// nothing above needs a cast.
describe('PlatformNode.createPipeline keeps the pipeline layer\'s overloads', () => {
  it('returns EncryptedPipeline, PointToPointPipeline or Pipeline by its options', async () => {
    const api = scratch.api(await scratch.dir())
    const me = await api.addIdentity('me')
    const node = await (await api.networkWithId(LOCAL_NETWORK_ID)).nodeWithIdentity(me)

    const room = node.createPipeline({ name: 'room', encrypted: { passphrase: 'correct horse battery staple' } })
    expectTypeOf(room).toEqualTypeOf<EncryptedPipeline>()
    expect(room.kind).toBe('encrypted')

    const dm = node.createPipeline({ name: 'dm', peer: generateIdentity('bob').id })
    expectTypeOf(dm).toEqualTypeOf<PointToPointPipeline>()
    expect(dm.kind).toBe('p2p')

    const chat = node.createPipeline({ name: 'CHAT', persistent: true })
    expectTypeOf(chat).toEqualTypeOf<Pipeline>()
    expect(chat.kind).toBe('persistent')
  })
})
