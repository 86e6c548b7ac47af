import { afterEach, expect, it } from 'vitest'
import { FrameTooLargeError, protocolFor } from '../src/index.js'
import { waitFor } from '@pipes/test-support'
import { Nodes, text, uniqueNetwork, utf8 } from './helpers.js'
import type { FrameStream } from '../src/index.js'

const nodes = new Nodes()
afterEach(async () => { await nodes.stopAll() })

async function pair (id: string): Promise<[Awaited<ReturnType<Nodes['create']>>, Awaited<ReturnType<Nodes['create']>>]> {
  const a = await nodes.create({ id, listen: ['/memory/' + id + '-a'] }, {}, 'a')
  const b = await nodes.create({ id, listen: ['/memory/' + id + '-b'], bootstrap: a.addresses() }, {}, 'b')
  await waitFor(() => a.peers().includes(b.peerId), { message: 'connected' })
  return [a, b]
}

/** Echo server: upper-cases every frame, closes after the client closes. */
async function echo (stream: FrameStream): Promise<void> {
  for await (const frame of stream) await stream.send(utf8(text(frame).toUpperCase()))
  await stream.close()
}

it('exchanges length-prefixed frames both ways, in order, with half-close', async () => {
  const id = uniqueNetwork('frames')
  const [a, b] = await pair(id)
  const protocol = protocolFor(id, 'echo', '1.0.0')
  const serverPeers: string[] = []
  await b.handle(protocol, async (stream) => { serverPeers.push(stream.remotePeer); await echo(stream) })

  const stream = await a.dialProtocol(b.peerId, protocol)
  expect(stream.remotePeer).toBe(b.peerId)
  expect(stream.protocol).toBe(protocol)
  const big = 'x'.repeat(200_000)
  for (const word of ['one', 'two', big, 'three']) await stream.send(utf8(word))
  await stream.close()
  const replies: string[] = []
  for await (const frame of stream) replies.push(text(frame))
  expect(replies).toEqual(['ONE', 'TWO', big.toUpperCase(), 'THREE'])
  expect(serverPeers).toEqual([a.peerId])
  expect(await stream.read()).toBeUndefined()
})

it('an oversized frame aborts that stream with a typed error, is counted, and the node keeps serving', async () => {
  const id = uniqueNetwork('oversize')
  const [a, b] = await pair(id)
  const protocol = protocolFor(id, 'small', '1.0.0')
  const serverErrors: unknown[] = []
  await b.handle(protocol, async (stream) => {
    try {
      await echo(stream)
    } catch (err) {
      serverErrors.push(err)
      throw err
    }
  }, { maxFrameBytes: 1024 })

  // the sender allows big frames; the receiver does not
  const bad = await a.dialProtocol(b.peerId, protocol, { maxFrameBytes: 1024 * 1024 })
  await bad.send(new Uint8Array(4096))
  await expect(bad.read()).rejects.toMatchObject({ code: 'ERR_STREAM_RESET' })
  await waitFor(() => b.stats().oversizedFrames === 1, { message: 'oversized frame counted' })
  expect(serverErrors).toHaveLength(1)
  expect(serverErrors[0]).toBeInstanceOf(FrameTooLargeError)
  expect(serverErrors[0]).toMatchObject({ code: 'ERR_FRAME_TOO_LARGE', maxFrameBytes: 1024 })
  expect(b.stats().handlerErrors).toBe(0)

  // still connected, still serving
  expect(b.started).toBe(true)
  const good = await a.dialProtocol(b.peerId, protocol)
  await good.send(utf8('still here'))
  await good.close()
  expect(text((await good.read())!)).toBe('STILL HERE')

  // sending an oversized frame locally throws before anything is sent
  const local = await a.dialProtocol(b.peerId, protocol, { maxFrameBytes: 16 })
  await expect(local.send(new Uint8Array(17))).rejects.toMatchObject({ code: 'ERR_FRAME_TOO_LARGE' })
  local.abort()
})

it('a handler that throws aborts its stream and is counted', async () => {
  const id = uniqueNetwork('throwing')
  const [a, b] = await pair(id)
  const protocol = protocolFor(id, 'fails', '1.0.0')
  await b.handle(protocol, async (stream) => {
    await stream.read()
    throw new Error('handler bug')
  })
  const stream = await a.dialProtocol(b.peerId, protocol)
  await stream.send(utf8('hi'))
  await expect(stream.read()).rejects.toThrow()
  await waitFor(() => b.stats().handlerErrors === 1, { message: 'handler error counted' })
  expect(b.peers()).toContain(a.peerId)
})

it('a reader slower than its writer pauses it: 32 MiB of frames arrive whole, the stream is never reset', async () => {
  const id = uniqueNetwork('slowreader')
  const a = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'] }, {}, 'a')
  const b = await nodes.create({ id, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: a.addresses() }, {}, 'b')
  await waitFor(() => a.peers().includes(b.peerId), { message: 'connected' })
  const protocol = protocolFor(id, 'bulk', '1.0.0')
  const frameBytes = 512 * 1024
  const frames = 64
  let received = 0
  let intact = true
  const done = new Promise<void>((resolve, reject) => {
    void b.handle(protocol, async (stream) => {
      try {
        for await (const frame of stream) {
          if (frame.byteLength !== frameBytes || frame[0] !== (received & 0xff)) intact = false
          received++
          // read fast at first (the muxer's window grows), then stall as a busy node does
          if (received === 16) await new Promise(r => setTimeout(r, 1500))
        }
        resolve()
      } catch (err) { reject(err as Error) }
    })
  })
  const stream = await a.dialProtocol(b.peerId, protocol)
  for (let i = 0; i < frames; i++) await stream.send(new Uint8Array(frameBytes).fill(i & 0xff))
  await stream.close()
  await done
  expect(received).toBe(frames)
  expect(intact).toBe(true)
}, 60_000)
