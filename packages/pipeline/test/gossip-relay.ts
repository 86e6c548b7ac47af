/**
 * A victim node and a raw gossip peer (the "relay", the test kit's hostile
 * peer) in its mesh, for tests of what the victim does with entries it is
 * handed over gossip; and signed entries built field by field.
 */
import { topicFor } from '@pipes/transport'
import { startHostilePeer, waitFor } from '@pipes/testkit'
import { encodeEntry, FLAG_PERSISTENT } from '../src/index.js'
import { enc, networkId, startNode } from './helpers.js'
import type { HostilePeer } from '@pipes/testkit'
import type { TestNode } from './helpers.js'
import type { LocalIdentity } from '@pipes/identity'
import type { Packet, Pipeline } from '../src/index.js'

/** Fields a test sets on an entry; the rest are a persistent seq-1 entry of now. */
export interface EntryFields { seq?: number, time?: number, prev?: Uint8Array, payload?: Uint8Array }

/** A signed persistent entry by `author` on `pipeline`, with its id as hex and as bytes. */
export async function signedEntry (author: LocalIdentity, net: string, pipeline: string, f: EntryFields = {}): Promise<{ wire: Uint8Array, id: string, idBytes: Uint8Array }> {
  const { wire, id } = await encodeEntry(author, { network: net, pipeline, seq: 1, time: Date.now(), flags: FLAG_PERSISTENT, payload: enc('x'), ...f })
  return { wire, id, idBytes: Uint8Array.from(Buffer.from(id, 'hex')) }
}

/** What {@link victimWithRelay} starts. */
export interface VictimAndRelay {
  net: string
  victim: TestNode
  pipe: Pipeline
  relay: HostilePeer
  topic: string
  /** Packets the victim's listener got. */
  got: Packet[]
  stop: () => Promise<void>
}

/** Starts a victim node with a persistent (or, with `persistent: false`, live) pipeline and a relay that sees it subscribed (bounded wait). */
export async function victimWithRelay (prefix: string, pipeline: string, persistent = true): Promise<VictimAndRelay> {
  const net = networkId(prefix)
  const victim = await startNode({ network: net, name: 'victim' })
  let relay: HostilePeer | undefined
  const stop = async (): Promise<void> => {
    await relay?.stop()
    await victim.stop()
  }
  try {
    const pipe = victim.node.createPipeline({ name: pipeline, persistent })
    const got: Packet[] = []
    pipe.addPacketListener(p => { got.push(p) })
    relay = await startHostilePeer({ networkId: net })
    await relay.dial(victim.transport.addresses()[0] as string)
    const topic = topicFor(net, pipeline)
    relay.subscribe(topic)
    const r = relay
    await waitFor(() => r.subscribers(topic).includes(victim.transport.peerId), { timeout: 10_000, message: 'relay sees the victim subscribed' })
    return { net, victim, pipe, relay, topic, got, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** The victims and relays of a test file: `start` them in tests, `stopAll()` in afterEach. */
export class RelayScope {
  readonly #started: VictimAndRelay[] = []

  /** {@link victimWithRelay}, stopped by {@link stopAll}. */
  async start (prefix: string, pipeline: string, persistent = true): Promise<VictimAndRelay> {
    const started = await victimWithRelay(prefix, pipeline, persistent)
    this.#started.push(started)
    return started
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.#started.splice(0).map(async s => { await s.stop() }))
  }
}
