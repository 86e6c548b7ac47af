/**
 * Invites: one copyable string that carries a network's config (its id, the
 * relay addresses to bootstrap from, a private network's key) so that
 * `pipes join <invite>` is all a second person types.
 *
 * Layout: `pipes1.` then base64url (no padding) of the JSON
 * `{ "v": 1, "network": NetworkConfig }`. The `1` in the prefix and `v` are
 * the format version: a later format gets a new prefix and old CLIs say so.
 */
import { resolveNetworkConfig } from '@pipes/transport'
import type { NetworkConfig } from '@pipes/platform'
import { usageError } from './cli-error.js'

const PREFIX = 'pipes1.'
const VERSION = 1

/** Where an invited node listens: any local TCP port, and through the relay (circuit relay v2) for peers that cannot dial it. */
export const INVITED_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/p2p-circuit']

/** The invite text of a network config. */
export function encodeInvite (network: NetworkConfig): string {
  const json = JSON.stringify({ v: VERSION, network })
  return PREFIX + Buffer.from(json, 'utf8').toString('base64url')
}

/**
 * The network config an invite carries, checked as `pipes network add` would.
 * @throws a usage error (exit 2) naming what is wrong with the invite
 */
export function decodeInvite (text: string): NetworkConfig {
  const invite = text.trim()
  if (!invite.startsWith('pipes')) throw usageError('this is not a Pipes invite (it should start with "pipes1."): copy the whole line "pipes invite" or "pipes relay" printed')
  if (!invite.startsWith(PREFIX)) throw usageError(`this invite is of another version ("${invite.slice(0, invite.indexOf('.') + 1)}"), this pipes reads "${PREFIX}": update pipes or ask for a new invite`)
  const body = invite.slice(PREFIX.length)
  if (!/^[A-Za-z0-9_-]+$/.test(body)) throw usageError('this invite is damaged (characters outside base64url): copy it again, in full')
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    throw usageError('this invite is damaged (cut short or altered): copy it again, in full')
  }
  const o = parsed as { v?: unknown, network?: unknown }
  if (o === null || typeof o !== 'object' || o.v !== VERSION) throw usageError('this invite is damaged (no version 1 network in it): ask for a new invite')
  let network
  try {
    network = resolveNetworkConfig(o.network)
  } catch (err) {
    throw usageError(`this invite holds a network config pipes cannot use (${(err as Error).message}): ask for a new invite`)
  }
  if (network.bootstrap.length === 0) throw usageError('this invite names no relay to start from: ask for an invite made by "pipes relay" or "pipes invite"')
  const out: NetworkConfig = { id: network.id, bootstrap: network.bootstrap, listen: network.listen, mdns: false, relay: false }
  if (network.psk !== undefined) out.psk = network.psk
  return out
}
