import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCAL_NETWORK_ID } from '../src/index.js'
import { Scratch, text } from './helpers.js'

const scratch = new Scratch()
afterEach(async () => { await scratch.cleanup() })

describe('a key restored into an apiPath', () => {
  it('writes only after a sync; a key made by addIdentity here writes at once', async () => {
    const home = await scratch.dir()
    const api = scratch.api(home)
    const identity = await api.addIdentity('alice')
    const node = await (await api.networkWithId(LOCAL_NETWORK_ID)).nodeWithIdentity(identity)
    expect((await node.createPipeline({ name: 'CHAT', persistent: true }).putPacket(text('hi'))).seq).toBe(1)
    await api.close()

    // the key file alone, copied to another apiPath: its store is empty
    const other = await scratch.dir()
    await copyFile(join(home, 'identity.key'), join(other, 'identity.key'))
    const api2 = scratch.api(other)
    const restored = await (await api2.networkWithId(LOCAL_NETWORK_ID)).nodeWithIdentity(await api2.localIdentity())
    await expect(restored.createPipeline({ name: 'CHAT', persistent: true }).putPacket(text('again')))
      .rejects.toMatchObject({ code: 'ERR_OWN_HEADS_UNKNOWN' })
  })
})
