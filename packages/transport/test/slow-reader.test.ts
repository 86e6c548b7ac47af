import { afterEach, expect, it } from 'vitest'
import { libp2pOf, protocolFor } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { Nodes, uniqueNetwork } from './helpers.js'

const nodes = new Nodes()
afterEach(async () => { await nodes.stopAll() })

// 100,000 entries of about 300 bytes, batched 50 to a frame as sync does
const ENTRY_BYTES = 300
const ENTRIES_PER_FRAME = 50
const FRAME_BYTES = ENTRY_BYTES * ENTRIES_PER_FRAME
const FRAMES = 100_000 / ENTRIES_PER_FRAME

it('a persistently slow reader over TCP receives 100,000 entries (2,000 frames) on one stream with bounded buffering', async () => {
  const id = uniqueNetwork('slow')
  const a = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'] }, {}, 'a')
  const b = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: a.addresses() }, {}, 'b')
  await waitFor(() => a.peers().includes(b.peerId) && b.peers().includes(a.peerId), { message: 'connected' })
  const protocol = protocolFor(id, 'firehose', '1.0.0')
  const sent = (async () => {
    const done = new Promise<void>((resolve, reject) => {
      void a.handle(protocol, async (stream) => {
        try {
          for (let i = 0; i < FRAMES; i++) {
            // a fresh buffer each time: a sent frame may sit in the muxer's buffer
            const frame = new Uint8Array(FRAME_BYTES)
            new DataView(frame.buffer).setUint32(0, i)
            await stream.send(frame)
          }
          await stream.close()
          resolve()
        } catch (err) { reject(err as Error) }
      })
    })
    await done
  })()
  // let the handler register before dialing
  await new Promise(resolve => setImmediate(resolve))

  const stream = await b.dialProtocol(a.peerId, protocol)
  let received = 0
  let maxQueued = 0
  let maxUnsent = 0
  for await (const frame of stream) {
    expect(new DataView(frame.buffer, frame.byteOffset).getUint32(0)).toBe(received)
    received++
    maxQueued = Math.max(maxQueued, stream.queuedBytes)
    // what the sender holds in its stream's write buffer, waiting for window
    for (const conn of libp2pOf(a).getConnections(libp2pOf(b).peerId)) {
      for (const s of conn.streams) if (s.protocol === protocol) maxUnsent = Math.max(maxUnsent, s.writeBufferLength)
    }
    // slower than the sender for the whole transfer
    await new Promise(resolve => setTimeout(resolve, 1))
  }
  await sent
  expect(received).toBe(FRAMES)
  expect(a.stats().handlerErrors).toBe(0)
  // high-water mark plus what the remote was already granted (the yamux window cap)
  expect(maxQueued).toBeLessThan(6 * 1024 * 1024)
  // the sender waits for window: a few frames at most, not the transfer
  expect(maxUnsent).toBeLessThan(1024 * 1024)
}, 90_000)
