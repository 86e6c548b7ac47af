/**
 * The relay: a Pipes node that serves circuit relay v2 and bootstraps its
 * network (`relay: true` in its network config), and an archive that
 * carries every persistent pipeline and the mailbox of its network (see
 * carried-pipelines.ts). Its identity and store live in its data directory,
 * under the platform's lock, so a restart serves what it held.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createPipesNode } from '@pipes/pipeline'
import { PlatformAPI } from '@pipes/platform'
import type { LocalIdentity, NetworkConfig } from '@pipes/platform'
import type { PipesNode } from '@pipes/pipeline'
import { createTransport, libp2pOf, topicFor } from '@pipes/transport'
import type { Transport } from '@pipes/transport'
import { LevelDatastore } from 'datastore-level'
import { usageError } from '../cli/cli-error.js'
import { encodeInvite, INVITED_LISTEN } from '../cli/invite.js'
import { platformOptions, unlockIdentity } from '../cli/session.js'
import { CarriedPipelines } from './carried-pipelines.js'
import type { RelayConfig } from './relay-config.js'

const HOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/hop'

/** A running relay. */
export interface RunningRelay {
  identity: LocalIdentity
  network: NetworkConfig
  /** The addresses the relay listens on, with `/p2p/<id>`. */
  addresses: () => string[]
  /** The invite for this network: its config with the announce (else listen) addresses as bootstrap. */
  invite: () => string
  /** Figures for /metrics. */
  figures: () => RelayFigures
  stop: () => Promise<void>
}

/** What /metrics reports. */
export interface RelayFigures {
  peers: number
  connections: number
  pipelines: number
  pipelinesRefused: number
  entriesStored: number
  mailboxEntries: number
  rejects: Record<string, number>
  reservations: number
  relayedCircuits: number
}

function isLoopback (addr: string): boolean {
  return addr.startsWith('/ip4/127.') || addr.startsWith('/ip6/::1/')
}

/** The addresses an invite names: announce ones if given, else the reachable listen ones (loopback only when there is nothing else). */
export function inviteAddresses (listening: string[], announce: string[], peerId: string): string[] {
  if (announce.length > 0) return announce.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${peerId}`)
  const direct = listening.filter(a => !a.includes('/p2p-circuit'))
  const outside = direct.filter(a => !isLoopback(a))
  return outside.length > 0 ? outside : direct
}

/** Starts a relay in `dir` (its identity is made on the first run, named "relay"). */
export async function startRelay (dir: string, config: RelayConfig, env: NodeJS.ProcessEnv): Promise<RunningRelay> {
  const api = await PlatformAPI.open(dir, platformOptions(env))
  let datastore: LevelDatastore | undefined
  let transport: Transport | undefined
  let node: PipesNode | undefined
  try {
    const identity = await api.hasLocalIdentity() ? await unlockIdentity(api) : await api.addIdentity('relay')
    const network: NetworkConfig = { id: config.network, listen: config.listen, bootstrap: [], mdns: false, relay: true }
    if (config.pskFile !== undefined) {
      network.psk = await readFile(config.pskFile, 'utf8').catch(() => { throw usageError(`cannot read the pre-shared key file ${config.pskFile ?? ''}: check the path`) })
    }
    const storeDir = join(dir, 'relay', network.id)
    await mkdir(storeDir, { recursive: true })
    datastore = new LevelDatastore(join(storeDir, 'store'))
    await datastore.open()
    transport = await createTransport({ identity, network, start: false })
    node = createPipesNode({
      identity,
      transport,
      datastore,
      ...(config.mailboxBytes === undefined ? {} : { mailbox: { maxBytes: config.mailboxBytes } })
    })
    const carried = new CarriedPipelines(storeDir, node, config.maxPipelines)
    await carried.load()
    const prefix = topicFor(network.id, '')
    const libp2p = libp2pOf(transport)
    libp2p.services.pubsub.addEventListener('subscription-change', (e) => {
      for (const s of e.detail.subscriptions) {
        if (s.subscribe && s.topic.startsWith(prefix)) carried.carry(s.topic.slice(prefix.length))
      }
    })
    await node.start()
    await transport.start()
    const t = transport
    const n = node
    const ds = datastore
    const relayService = libp2p.services.relay as { reservations?: { size: number } } | undefined
    let stopped = false
    return {
      identity,
      network,
      addresses: () => t.addresses(),
      invite: () => encodeInvite({ ...network, relay: false, listen: INVITED_LISTEN, bootstrap: inviteAddresses(t.addresses(), config.announce, identity.id) }),
      figures: () => {
        const s = n.stats()
        const ts = t.stats()
        let relayedCircuits = 0
        for (const c of libp2p.getConnections()) relayedCircuits += c.streams.filter(st => st.protocol === HOP_PROTOCOL).length
        return {
          peers: ts.peers,
          connections: ts.connections,
          pipelines: carried.counts().carried,
          pipelinesRefused: carried.counts().refused,
          entriesStored: s.stored,
          mailboxEntries: s.mailbox.entries,
          rejects: { ...s.rejects },
          reservations: relayService?.reservations?.size ?? 0,
          relayedCircuits
        }
      },
      stop: async () => {
        if (stopped) return
        stopped = true
        try {
          await n.stop()
          await t.stop()
          await carried.flush()
        } finally {
          await ds.close()
          await api.close()
        }
      }
    }
  } catch (err) {
    await node?.stop().catch(() => {})
    await transport?.stop().catch(() => {})
    await datastore?.close().catch(() => {})
    await api.close()
    throw err
  }
}
