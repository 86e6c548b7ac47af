/**
 * The relay's settings: defaults, then the config file (`--config`), then
 * flags, each later one winning field by field.
 */
import { readFile } from 'node:fs/promises'
import { usageError } from '../cli/cli-error.js'
import { integer } from '../cli/args.js'

/** What `pipes relay` runs with. */
export interface RelayConfig {
  /** The network id (invites carry it). */
  network: string
  /** Multiaddrs to listen on: TCP (`/ip4/…/tcp/N`) and WebSockets (`/ip4/…/tcp/N/ws`). */
  listen: string[]
  /** Public multiaddrs (without `/p2p/…`) put in invites instead of the listen addresses, e.g. behind port forwarding. */
  announce: string[]
  /** `host:port` of the health and metrics HTTP server; `off` for none. */
  metrics: string
  /** Most pipelines the archive carries (each is a store and a gossip topic). */
  maxPipelines: number
  /** Most mailbox bytes held in all (point-to-point ciphertext). */
  mailboxBytes?: number
  /** File with a private network's pre-shared key (libp2p v1 key text). */
  pskFile?: string
}

export const RELAY_DEFAULTS: RelayConfig = {
  network: 'pipes',
  listen: ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws'],
  announce: [],
  metrics: '127.0.0.1:9464',
  maxPipelines: 10_000
}

const FIELDS = new Set(['network', 'listen', 'announce', 'metrics', 'maxPipelines', 'mailboxBytes', 'pskFile'])

function strings (value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) throw usageError(`${what} must be a list of multiaddr strings`)
  return value
}

/** Reads a relay config file (JSON with the {@link RelayConfig} fields). */
export async function loadRelayConfigFile (path: string): Promise<Partial<RelayConfig>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw usageError(`cannot read the relay config ${path}: check the path`)
  }
  let o: Record<string, unknown>
  try {
    o = JSON.parse(text) as Record<string, unknown>
  } catch (err) {
    throw usageError(`the relay config ${path} is not JSON (${(err as Error).message})`)
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw usageError(`the relay config ${path} must be a JSON object`)
  const unknown = Object.keys(o).filter(k => !FIELDS.has(k))
  if (unknown.length > 0) throw usageError(`the relay config ${path} has unknown field(s) ${unknown.join(', ')}: known are ${[...FIELDS].join(', ')}`)
  const out: Partial<RelayConfig> = {}
  if (o.network !== undefined) {
    if (typeof o.network !== 'string') throw usageError(`${path}: network must be a string`)
    out.network = o.network
  }
  if (o.listen !== undefined) out.listen = strings(o.listen, `${path}: listen`)
  if (o.announce !== undefined) out.announce = strings(o.announce, `${path}: announce`)
  if (o.metrics !== undefined) {
    if (typeof o.metrics !== 'string') throw usageError(`${path}: metrics must be "host:port" or "off"`)
    out.metrics = o.metrics
  }
  if (o.maxPipelines !== undefined) out.maxPipelines = integer(o.maxPipelines, `${path}: maxPipelines`, 0)
  if (o.mailboxBytes !== undefined) out.mailboxBytes = integer(o.mailboxBytes, `${path}: mailboxBytes`, 0)
  if (o.pskFile !== undefined) {
    if (typeof o.pskFile !== 'string') throw usageError(`${path}: pskFile must be a path`)
    out.pskFile = o.pskFile
  }
  return out
}

/** `host` and `port` of the metrics setting, or undefined for `off`. */
export function metricsAddress (value: string): { host: string, port: number } | undefined {
  if (value === 'off') return undefined
  const at = value.lastIndexOf(':')
  const host = at > 0 ? value.slice(0, at) : '127.0.0.1'
  const port = Number(at >= 0 ? value.slice(at + 1) : value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--metrics must be "host:port" (port 0 to 65535) or "off", got "${value}"`)
  return { host, port }
}
