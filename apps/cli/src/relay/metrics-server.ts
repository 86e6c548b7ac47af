/**
 * The relay's local HTTP port: `GET /health` (200 `ok` while running) and
 * `GET /metrics` in the Prometheus text format, for a scraper or a
 * service manager's health check.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { RelayFigures } from './relay-node.js'

/** The Prometheus text of the relay's figures. */
export function metricsText (f: RelayFigures): string {
  const lines: string[] = []
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: Array<[string, number]>): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`)
  }
  metric('pipes_relay_peers', 'gauge', 'Peers of the network connected now.', [['', f.peers]])
  metric('pipes_relay_connections', 'gauge', 'Open libp2p connections now.', [['', f.connections]])
  metric('pipes_relay_pipelines', 'gauge', 'Pipelines the archive carries.', [['', f.pipelines]])
  metric('pipes_relay_pipelines_refused_total', 'counter', 'Pipelines not carried (over maxPipelines or an invalid name).', [['', f.pipelinesRefused]])
  metric('pipes_relay_entries_stored_total', 'counter', 'Entries written to the archive since start.', [['', f.entriesStored]])
  metric('pipes_relay_mailbox_entries', 'gauge', 'Private-message envelopes held now.', [['', f.mailboxEntries]])
  metric('pipes_relay_rejects_total', 'counter', 'Input refused, by reason.', Object.entries(f.rejects).map(([reason, n]) => [`{reason="${reason}"}`, n]))
  metric('pipes_relay_reservations', 'gauge', 'Circuit relay v2 reservations held now.', [['', f.reservations]])
  metric('pipes_relay_relayed_connections', 'gauge', 'Connections relayed between two peers now (open circuit relay hop streams).', [['', f.relayedCircuits]])
  return lines.join('\n') + '\n'
}

/** Serves /health and /metrics on `host:port`; resolves with the server once listening. */
export async function serveMetrics (host: string, port: number, figures: () => RelayFigures): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET') { res.writeHead(405).end(); return }
    if (path === '/health') { res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'); return }
    if (path === '/metrics') { res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText(figures())); return }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('see /health and /metrics\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  return server
}
