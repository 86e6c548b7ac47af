/**
 * The catch-up yardstick: a raw libp2p stream (TCP, noise, yamux) carrying a
 * given number of frames of a given size from one bare node to another, with
 * nothing on top — the fastest those bytes can cross this stack. Frames are
 * written back to back in writes of up to 64 KiB.
 */
import { performance } from 'node:perf_hooks'
import { createBareNode } from './gossipsub.js'
import type { BareNode } from './gossipsub.js'
import { withTimeout } from '@pipes/test-support'

const PROTOCOL = '/pipes-bench/raw/1.0.0'
const WRITE_BYTES = 64 * 1024

/** What one transfer measured. */
export interface RawTransfer {
  bytes: number
  /** From the dial to the last byte in, seconds. */
  seconds: number
}

/**
 * Starts two fresh bare nodes, dials from the receiver to the sender (as a
 * rejoining peer does), and has the sender write `frames` frames of
 * `frameBytes` bytes, honouring the stream's backpressure. Times from the dial
 * to the last byte received.
 */
export async function rawTransfer (frames: number, frameBytes: number, { timeoutMs = 120_000 } = {}): Promise<RawTransfer> {
  const nodes: BareNode[] = []
  try {
    const sender = await createBareNode()
    nodes.push(sender)
    const receiver = await createBareNode()
    nodes.push(receiver)
    // Bulk bytes go out in writes of whole frames up to 64 KiB, as a bulk
    // sender would write them (a write per 1 KiB frame costs far more here).
    const perWrite = Math.max(1, Math.floor(WRITE_BYTES / frameBytes))
    const chunk = new Uint8Array(frameBytes * perWrite).fill(0x5a)
    const total = frames * frameBytes
    await sender.handle(PROTOCOL, async (stream) => {
      for (let i = 0; i < frames; i += perWrite) {
        const n = Math.min(perWrite, frames - i)
        if (!stream.send(n === perWrite ? chunk : chunk.subarray(0, n * frameBytes))) await stream.onDrain()
      }
      await stream.close()
    })
    const start = performance.now()
    const stream = await withTimeout(receiver.dialProtocol(sender.getMultiaddrs(), PROTOCOL), 10_000, 'dialing the raw-stream sender')
    let got = 0
    await withTimeout((async () => {
      for await (const chunk of stream) {
        got += chunk.byteLength
        if (got >= total) break
      }
    })(), timeoutMs, 'raw stream transfer')
    const seconds = (performance.now() - start) / 1000
    if (got < total) throw new Error(`raw stream ended after ${got} of ${total} bytes`)
    return { bytes: got, seconds }
  } finally {
    await Promise.allSettled(nodes.map(async (n) => await withTimeout(Promise.resolve(n.stop()), 10_000, 'stopping a bare node')))
  }
}
