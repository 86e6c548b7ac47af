// The search library choice of @pipes/chat (docs/architecture.md, "Search"):
// MiniSearch 7, FlexSearch 0.8 and Orama 3 on the chat's workload in Node:
// 100,000 short messages, indexed one at a time; query p50/p99 (one word,
// two words, a prefix, a typo); serialised size; serialise and restore time.
// Run: `node bench/search-libraries.mjs [messages]` (after pnpm install).
import { performance } from 'node:perf_hooks'
import MiniSearch from 'minisearch'
import FlexSearch from 'flexsearch'
import { create, insert, load, save, search } from '@orama/orama'

const N = Number(process.argv[2] ?? 100_000)
const WORDS = ('hello world meeting tomorrow lunch café résumé naïve project deadline release build deploy coffee weekend ' +
  'photos garden budget invoice kitchen dinner concert ticket flight hotel museum review design sprint standup ' +
  'bug crash fix merge branch server client network packet relay storage index search history paging').split(' ')

function rng (seed) {
  let x = seed
  return () => { x = (x * 1103515245 + 12345) & 0x7fffffff; return x / 0x7fffffff }
}
const rand = rng(42)
// a chat's vocabulary: the words above plus 20,000 made-up ones, drawn Zipf-like (a few common, most rare)
const SYLLABLES = 'ka lo mi ne ru sa ti vo pe da fi gu ho ja ze bo'.split(' ')
for (let i = 0; WORDS.length < 20_000; i++) WORDS.push(Array.from({ length: 2 + (i % 3) }, (_, k) => SYLLABLES[(i >> (k * 4)) % 16]).join('') + (i % 7))
const word = () => WORDS[Math.floor(WORDS.length * rand() ** 3)]
const messages = Array.from({ length: N }, (_, i) => {
  const n = 4 + Math.floor(rand() * 10)
  const words = Array.from({ length: n }, word)
  if (i % 97 === 0) words.push(`token${i}`)
  return { id: i, text: words.join(' '), room: `r${i % 10}` }
})
const QUERIES = {
  'one word': ['deadline', 'concert', 'museum', 'résumé'],
  'two words': ['coffee meeting', 'release deadline', 'garden dinner', 'hotel flight'],
  prefix: ['dead', 'conc', 'muse', 'inv'],
  typo: ['deadlnie', 'concret', 'musuem', 'invioce']
}
const fold = (s) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()

function pct (xs, p) { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))] }
function time (fn) { const t = performance.now(); const r = fn(); return [performance.now() - t, r] }
async function timeAsync (fn) { const t = performance.now(); const r = await fn(); return [performance.now() - t, r] }

const libraries = {
  async minisearch () {
    // as @pipes/chat searches: prefix on the last word (what is being typed), one or two typos in words of 4 letters or more
    const options = { fields: ['text'], storeFields: ['room'], processTerm: (t) => fold(t), searchOptions: { combineWith: 'AND', maxFuzzy: 2, fuzzy: (t) => t.length >= 4 ? 0.25 : false, prefix: (t, i, all) => i === all.length - 1 } }
    const ms = new MiniSearch(options)
    const [build] = time(() => { for (const m of messages) ms.add(m) })
    const q = (text, filter) => ms.search(text, filter === undefined ? {} : { filter: (r) => r.room === filter }).length
    const [ser, json] = time(() => JSON.stringify(ms))
    const [restore] = time(() => MiniSearch.loadJSON(json, options))
    return { build, q, bytes: json.length, ser, restore }
  },
  async flexsearch () {
    const index = new FlexSearch.Document({ document: { id: 'id', index: ['text'], tag: ['room'] }, tokenize: 'forward', encoder: FlexSearch.Charset.LatinBalance, resolution: 9 })
    const [build] = time(() => { for (const m of messages) index.add(m) })
    const q = (text, filter) => {
      const r = index.search(text, filter === undefined ? { limit: 100, suggest: true } : { limit: 100, tag: { room: filter }, suggest: true })
      return r.reduce((n, f) => n + (f.result?.length ?? 0), 0)
    }
    const parts = []
    const [ser] = await timeAsync(async () => { await index.export((key, data) => { parts.push([key, data]) }) })
    const bytes = parts.reduce((n, [k, d]) => n + k.length + (d?.length ?? 0), 0)
    const [restore] = time(() => {
      const again = new FlexSearch.Document({ document: { id: 'id', index: ['text'], tag: ['room'] }, tokenize: 'forward', encoder: FlexSearch.Charset.LatinBalance, resolution: 9 })
      for (const [k, d] of parts) again.import(k, d)
    })
    return { build, q, bytes, ser, restore }
  },
  async orama () {
    const db = create({ schema: { text: 'string', room: 'string' } })
    const [build] = time(() => { for (const m of messages) insert(db, { id: String(m.id), text: fold(m.text), room: m.room }) })
    const q = (text, filter) => {
      const r = search(db, { term: fold(text), tolerance: 1, limit: 20, ...(filter === undefined ? {} : { where: { room: filter } }) })
      return r.count
    }
    const [ser, json] = time(() => JSON.stringify(save(db)))
    const [restore] = time(() => { const again = create({ schema: { text: 'string', room: 'string' } }); load(again, JSON.parse(json)) })
    return { build, q, bytes: json.length, ser, restore }
  }
}

console.log(`${N} messages, Node ${process.version}`)
for (const [name, run] of Object.entries(libraries).filter(([n]) => process.argv[3] === undefined || n === process.argv[3])) {
  const heapBefore = process.memoryUsage().heapUsed
  const r = await run()
  const heap = process.memoryUsage().heapUsed - heapBefore
  const rows = []
  for (const [kind, queries] of Object.entries(QUERIES)) {
    const times = []
    let hits = 0
    for (let rep = 0; rep < 25; rep++) for (const text of queries) { const [t, n] = time(() => r.q(text)); times.push(t); hits += n }
    rows.push(`${kind} p50 ${pct(times, 50).toFixed(2)} p99 ${pct(times, 99).toFixed(2)} ms (${Math.round(hits / 100)} hits)`)
  }
  const filtered = []
  for (let rep = 0; rep < 25; rep++) for (const text of QUERIES['one word']) filtered.push(time(() => r.q(text, 'r3'))[0])
  rows.push(`one word + room filter p50 ${pct(filtered, 50).toFixed(2)} p99 ${pct(filtered, 99).toFixed(2)} ms`)
  console.log(`\n${name}: build ${Math.round(N / (r.build / 1000))} msg/s, serialised ${(r.bytes / N).toFixed(0)} B/msg, serialise ${r.ser.toFixed(0)} ms, restore ${r.restore.toFixed(0)} ms, heap +${(heap / 1e6).toFixed(0)} MB`)
  for (const row of rows) console.log(`  ${row}`)
}
