import { afterEach, expect, it } from 'vitest'
import { FrameTooLargeError, protocolFor } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { Nodes, text, uniqueNetwork, utf8 } from './helpers.js'

const nodes = new Nodes()
afterEach(async () => { await nodes.stopAll() })

// sendMany writes many frames to the muxer at once (sync gathers small batches
// this way); the remote must still read each frame on its own, in order.
it('frames sent together with sendMany are read one by one, in order, with frames sent alone around them', async () => {
  const id = uniqueNetwork('send-many')
  const a = await nodes.create({ id, listen: ['/memory/' + id + '-a'] }, {}, 'a')
  const b = await nodes.create({ id, listen: ['/memory/' + id + '-b'], bootstrap: a.addresses() }, {}, 'b')
  await waitFor(() => a.peers().includes(b.peerId), { message: 'connected' })
  const protocol = protocolFor(id, 'collect', '1.0.0')
  const got: string[] = []
  const finished = new Promise<void>((resolve, reject) => {
    void b.handle(protocol, async (stream) => {
      try {
        for await (const frame of stream) got.push(text(frame))
        await stream.close()
        resolve()
      } catch (err) { reject(err) }
    })
  })
  const stream = await a.dialProtocol(b.peerId, protocol, { maxFrameBytes: 1024 * 1024 })
  const many = Array.from({ length: 300 }, (_, i) => `frame ${i}`)
  const big = 'y'.repeat(150_000)
  await stream.send(utf8('alone'))
  await stream.sendMany([...many.slice(0, 150), big, ...many.slice(150)].map(utf8))
  await stream.sendMany([])
  await expect(stream.sendMany([utf8('fits'), new Uint8Array(1024 * 1024 + 1)])).rejects.toBeInstanceOf(FrameTooLargeError)
  await stream.send(utf8('last'))
  await stream.close()
  await finished
  // the refused call sent nothing, not even its first frame
  expect(got).toEqual(['alone', ...many.slice(0, 150), big, ...many.slice(150), 'last'])
})
