// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the
// most self time, and the packages they live in.
//   node scripts/cpuprofile-top.mjs <file.cpuprofile> [count]
import { readFileSync } from 'node:fs'

const [file, countArg] = process.argv.slice(2)
if (file == null) {
  console.error('usage: node scripts/cpuprofile-top.mjs <file.cpuprofile> [count]')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, 'utf8'))
const count = Number(countArg ?? 25)
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const self = new Map()
const dt = profile.timeDeltas
let total = 0
profile.samples.forEach((id, i) => {
  const ms = (dt[i] ?? 0) / 1000
  total += ms
  self.set(id, (self.get(id) ?? 0) + ms)
})

function where (url) {
  if (url === '') return '(native)'
  const pnpm = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  if (pnpm != null) return pnpm[1]
  const pkg = url.match(/\/(packages|bench)\/([^/]+)\//)
  if (pkg != null) return pkg[1] === 'bench' ? 'bench' : `@pipes/${pkg[2]}`
  if (url.startsWith('node:')) return 'node'
  return url.split('/').slice(-2).join('/')
}

const byFn = new Map()
const byPkg = new Map()
for (const [id, ms] of self) {
  const n = byId.get(id)
  const cf = n.callFrame
  const pkg = where(cf.url)
  const key = `${cf.functionName || '(anonymous)'}  ${pkg}:${cf.lineNumber + 1}`
  byFn.set(key, (byFn.get(key) ?? 0) + ms)
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + ms)
}
const pct = (ms) => `${(100 * ms / total).toFixed(1).padStart(5)}%`
console.log(`total sampled: ${(total / 1000).toFixed(2)} s\n\nself time by package:`)
for (const [k, ms] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(ms)}  ${k}`)
console.log('\nself time by function:')
for (const [k, ms] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${pct(ms)}  ${k}`)
