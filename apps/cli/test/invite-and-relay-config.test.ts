import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateIdentity } from '@pipes/identity'
import { Scratch } from '@pipes/test-support'
import { afterEach, describe, expect, it } from 'vitest'
import { CliError } from '../src/cli/cli-error.js'
import { decodeInvite, encodeInvite } from '../src/cli/invite.js'
import { carriedOptions } from '../src/relay/carried-pipelines.js'
import { metricsText } from '../src/relay/metrics-server.js'
import { loadRelayConfigFile, metricsAddress } from '../src/relay/relay-config.js'
import { inviteAddresses } from '../src/relay/relay-node.js'

const scratch = new Scratch('pipes-cli-config-')
afterEach(async () => { await scratch.cleanup() })

const relayId = generateIdentity('relay').id

function usage (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(CliError)
    expect((err as CliError).exitCode).toBe(2)
    return (err as CliError).message
  }
  throw new Error('expected a usage error')
}

describe('invites', () => {
  it('carry the network config through one copyable line, and refuse what is damaged', () => {
    const network = { id: 'team', bootstrap: [`/ip4/203.0.113.7/tcp/4001/p2p/${relayId}`], listen: ['/ip4/0.0.0.0/tcp/0'] }
    const invite = encodeInvite(network)
    expect(invite).toMatch(/^pipes1\.[A-Za-z0-9_-]+$/)
    expect(decodeInvite(` ${invite}\n`)).toEqual({ ...network, mdns: false, relay: false })
    expect(usage(() => decodeInvite(invite.slice(0, -4)))).toMatch(/damaged/)
    expect(usage(() => decodeInvite(invite + '!'))).toMatch(/damaged/)
    expect(usage(() => decodeInvite(encodeInvite({ id: 'team', bootstrap: [] })))).toMatch(/names no relay/)
    expect(usage(() => decodeInvite(encodeInvite({ id: '../x', bootstrap: network.bootstrap })))).toMatch(/cannot use .*id/)
  })

  it('name the announce addresses when given, else the listen addresses off loopback', () => {
    const listening = [`/ip4/127.0.0.1/tcp/4001/p2p/${relayId}`, `/ip4/192.0.2.10/tcp/4001/p2p/${relayId}`, `/ip4/192.0.2.10/tcp/4001/p2p/x/p2p-circuit`]
    expect(inviteAddresses(listening, [], relayId)).toEqual([`/ip4/192.0.2.10/tcp/4001/p2p/${relayId}`])
    expect(inviteAddresses(listening.slice(0, 1), [], relayId)).toEqual(listening.slice(0, 1))
    expect(inviteAddresses(listening, ['/dns4/relay.example.org/tcp/443/ws'], relayId)).toEqual([`/dns4/relay.example.org/tcp/443/ws/p2p/${relayId}`])
  })
})

describe('the relay configuration', () => {
  it('carries rooms as relay-only ciphertext and every other name as a persistent pipeline', () => {
    expect(carriedOptions('CHAT.room.team')).toEqual({ name: 'CHAT.room.team', encrypted: { relayOnly: true } })
    expect(carriedOptions('CHAT')).toEqual({ name: 'CHAT', persistent: true })
    expect(carriedOptions('CHAT.intro')).toEqual({ name: 'CHAT.intro', persistent: true })
  })

  it('reads a config file and names what is wrong in it', async () => {
    const dir = await scratch.dir()
    const file = join(dir, 'relay.json')
    await writeFile(file, JSON.stringify({ network: 'x', listen: ['/ip4/0.0.0.0/tcp/4001'], maxPipelines: 5 }))
    expect(await loadRelayConfigFile(file)).toEqual({ network: 'x', listen: ['/ip4/0.0.0.0/tcp/4001'], maxPipelines: 5 })
    await writeFile(file, JSON.stringify({ listen: '/ip4/0.0.0.0/tcp/4001' }))
    await expect(loadRelayConfigFile(file)).rejects.toThrow(/listen must be a list/)
    await writeFile(file, JSON.stringify({ lisen: [] }))
    await expect(loadRelayConfigFile(file)).rejects.toThrow(/unknown field\(s\) lisen/)
    await writeFile(file, '{ nope')
    await expect(loadRelayConfigFile(file)).rejects.toThrow(/is not JSON/)
    await expect(loadRelayConfigFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read/)
    expect(metricsAddress('off')).toBeUndefined()
    expect(metricsAddress('0.0.0.0:9100')).toEqual({ host: '0.0.0.0', port: 9100 })
    expect(usage(() => metricsAddress('localhost:http'))).toMatch(/--metrics must be/)
  })

  it('prints metrics in the Prometheus text format, rejects by reason', () => {
    const text = metricsText({ peers: 2, connections: 3, pipelines: 4, pipelinesRefused: 0, entriesStored: 10, mailboxEntries: 1, rejects: { 'bad-signature': 2, replay: 0 }, reservations: 2, relayedCircuits: 1 })
    expect(text).toContain('# TYPE pipes_relay_peers gauge\npipes_relay_peers 2\n')
    expect(text).toContain('pipes_relay_rejects_total{reason="bad-signature"} 2\n')
    expect(text).toContain('pipes_relay_relayed_connections 1\n')
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{reason="[\w-]+"\})? \d+)$/)
  })
})
