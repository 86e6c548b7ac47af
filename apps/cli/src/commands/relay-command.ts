import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { integer, list, parseCommand, str } from '../cli/args.js'
import { CliError } from '../cli/cli-error.js'
import { EXIT } from '../cli/exit-codes.js'
import { untilStopped } from '../cli/signals.js'
import { serveMetrics } from '../relay/metrics-server.js'
import { loadRelayConfigFile, metricsAddress, RELAY_DEFAULTS } from '../relay/relay-config.js'
import { startRelay } from '../relay/relay-node.js'
import type { RelayConfig } from '../relay/relay-config.js'
import type { Command } from '../cli/command.js'

export const relayCommand: Command = {
  name: 'relay',
  help: `pipes relay [--config <file>] [--network <id>] [--listen <multiaddr> ...] [--announce <multiaddr> ...]
            [--metrics <host:port>|off] [--max-pipelines <n>] [--mailbox-bytes <n>] [--psk-file <file>]

Runs the server of a network until SIGINT or SIGTERM: peers bootstrap from it,
reach each other through it (circuit relay v2), and it stores and forwards
every persistent pipeline and the private-message mailbox (rooms and private
messages as ciphertext it cannot read). Prints its addresses and an invite.
Data (identity, store) in --dir, else PIPES_HOME, else ~/.pipes-relay.
Defaults: --network pipes, --listen /ip4/0.0.0.0/tcp/4001 and
/ip4/0.0.0.0/tcp/4002/ws, --metrics 127.0.0.1:9464 (/health, /metrics).`,
  async run (ctx, args) {
    const p = parseCommand('relay', args, {
      config: { type: 'string' },
      network: { type: 'string' },
      listen: { type: 'string', multiple: true },
      announce: { type: 'string', multiple: true },
      metrics: { type: 'string' },
      'max-pipelines': { type: 'string' },
      'mailbox-bytes': { type: 'string' },
      'psk-file': { type: 'string' }
    }, { min: 0, max: 0 })
    if (p.values.help === true) { ctx.out(this.help); return EXIT.ok }
    const file = str(p, 'config')
    const config: RelayConfig = { ...RELAY_DEFAULTS, ...(file === undefined ? {} : await loadRelayConfigFile(file)) }
    const network = str(p, 'network')
    if (network !== undefined) config.network = network
    if (list(p, 'listen').length > 0) config.listen = list(p, 'listen')
    if (list(p, 'announce').length > 0) config.announce = list(p, 'announce')
    const metrics = str(p, 'metrics')
    if (metrics !== undefined) config.metrics = metrics
    config.maxPipelines = integer(str(p, 'max-pipelines'), '--max-pipelines', config.maxPipelines)
    const mailboxBytes = str(p, 'mailbox-bytes')
    if (mailboxBytes !== undefined) config.mailboxBytes = integer(mailboxBytes, '--mailbox-bytes', 0)
    const psk = str(p, 'psk-file')
    if (psk !== undefined) config.pskFile = psk
    const http = metricsAddress(config.metrics)

    const stopping = untilStopped()
    const relay = await startRelay(ctx.dir, config, ctx.env)
    let server: Server | undefined
    try {
      if (http !== undefined) {
        server = await serveMetrics(http.host, http.port, relay.figures).catch((err: Error) => {
          throw new CliError('ERR_CLI_METRICS_PORT', `cannot serve metrics on ${config.metrics} (${err.message}): pick another --metrics host:port, or --metrics off`, EXIT.runtime)
        })
      }
      ctx.out(`relay ${relay.identity.id} on network ${relay.network.id}`)
      for (const a of relay.addresses()) ctx.out(`listening ${a}`)
      if (server !== undefined) {
        const at = server.address() as AddressInfo
        ctx.out(`metrics http://${at.address}:${at.port}/metrics`)
      }
      ctx.out(`invite ${relay.invite()}`)
      ctx.out('ready')
      const signal = await stopping
      ctx.out(`stopping (${signal})`)
    } finally {
      await new Promise<void>(resolve => { if (server === undefined) resolve(); else server.close(() => { resolve() }) })
      await relay.stop()
    }
    ctx.out('stopped')
    return EXIT.ok
  }
}
