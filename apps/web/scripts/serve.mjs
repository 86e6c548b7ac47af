// `pnpm web`: starts a `pipes relay` (TCP and WebSockets on 127.0.0.1, its
// state in apps/web/.relay), serves the built page on 127.0.0.1 with a
// config.json naming the relay, prints the URL, and stops both on Ctrl-C.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { preview } from 'vite'

const here = fileURLToPath(new URL('..', import.meta.url))
const bin = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url))
const port = Number(process.env.PIPES_WEB_PORT ?? 5173)
const wsPort = Number(process.env.PIPES_RELAY_WS_PORT ?? 4102)
const tcpPort = Number(process.env.PIPES_RELAY_TCP_PORT ?? 4101)

const relay = spawn(process.execPath, [bin, 'relay', '--dir', `${here}.relay`, '--listen', `/ip4/127.0.0.1/tcp/${tcpPort}`,
  '--listen', `/ip4/127.0.0.1/tcp/${wsPort}/ws`, '--metrics', 'off'], { stdio: ['ignore', 'pipe', 'inherit'] })

const ws = await new Promise((resolve, reject) => {
  let out = ''
  const timer = setTimeout(() => { reject(new Error(`pipes relay did not start in 30 s:\n${out}`)) }, 30_000)
  relay.stdout.on('data', d => {
    out += d.toString()
    const found = out.match(/^listening (\S+\/ws\/p2p\/\S+)$/m)
    if (found !== null && out.includes('\nready')) { clearTimeout(timer); resolve(found[1]) }
  })
  relay.once('exit', code => { clearTimeout(timer); reject(new Error(`pipes relay exited (${code}):\n${out}`)) })
})

const server = await preview({
  root: here,
  preview: { host: '127.0.0.1', port, strictPort: true },
  plugins: [{
    name: 'pipes-config',
    configurePreviewServer (s) {
      s.middlewares.use('/config.json', (_req, res) => {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ relay: ws, network: 'pipes' }))
      })
    }
  }]
})

const url = `http://127.0.0.1:${port}/`
console.log(`relay ${ws}`)
console.log(`open ${url} (another user: ${url}?profile=bob)`)

const stop = () => {
  relay.kill('SIGINT')
  server.close().finally(() => { process.exit(0) })
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
