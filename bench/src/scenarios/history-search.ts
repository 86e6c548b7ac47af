/**
 * History and search (issue 14), through `@pipes/chat` on a real LevelDB
 * store, offline: N chat messages of another author are signed beforehand,
 * then taken in through the sync ingest path of the chat's pipeline (what a
 * catch-up does); the chat delivers, indexes and journals each one.
 *
 * Rows: a history page of 50 (`chat.history({ before, reverse, limit: 50 })`
 * from random points) at each size, p50/p99 ms; search p50/p99 ms at the
 * largest size (one word, two words, a prefix, one word with a sender and
 * time filter: channels do not exist yet); the index build rate (ingest to
 * searchable, messages/s); index bytes on disk per message (its records,
 * sealed); restart to the first search result (new Chat, offline, one search);
 * the rebuild rate once the index is dropped (the first search rebuilds it).
 * The baseline printed beside the history page: a full `history()` scan of the same log (what a page cost before the time index).
 */
import { performance } from 'node:perf_hooks'
import { Chat } from '@pipes/chat'
import { generateIdentity, hexToBytes } from '@pipes/identity'
import { durableStoreOf, encodeEntry, FLAG_PERSISTENT } from '@pipes/pipeline'
import { waitFor } from '@pipes/test-support'
import type { ResultRow, Scenario, ScenarioContext } from '../scenario.js'
import { summarize } from '../stats.js'
import type { Ingesting } from './many-authors.js'

const LIMITS = { maxEntries: 512, maxBytes: 4 * 1024 * 1024 }
const SYLLABLES = 'ka lo mi ne ru sa ti vo pe da fi gu ho ja ze bo'.split(' ')
const COMMON = 'hello meeting tomorrow lunch café project deadline release build deploy coffee weekend photos garden budget invoice'.split(' ')

/** A chat vocabulary: a few common words, 20,000 rare made-up ones, drawn Zipf-like from a fixed seed. */
function messageTexts (count: number): string[] {
  const words = [...COMMON]
  for (let i = 0; words.length < 20_000; i++) words.push(Array.from({ length: 2 + (i % 3) }, (_v, k) => SYLLABLES[(i >> (k * 4)) % 16] as string).join('') + String(i % 7))
  let x = 42
  const rand = (): number => { x = (x * 1103515245 + 12345) & 0x7fffffff; return x / 0x7fffffff }
  return Array.from({ length: count }, () => Array.from({ length: 4 + Math.floor(rand() * 10) }, () => words[Math.floor(words.length * rand() ** 3)] as string).join(' '))
}


interface Measured {
  count: number
  page: number[]
  pipelinePage: number[]
  rebuildRate: number
  scan: number
  search: Record<string, number[]>
  buildRate: number
  bytesPerMessage: number
  restartMs: number
}

async function measure (ctx: ScenarioContext, count: number, withSearch: boolean): Promise<Measured> {
  const dir = await ctx.tempDir()
  const texts = messageTexts(count)
  const author = generateIdentity('writer')
  const t0 = Date.now() - count * 10
  ctx.progress(`history-search: signing ${count.toLocaleString('en-US')} messages`)
  let chat = new Chat(dir)
  await chat.setupUser('reader')
  await chat.connectToNetwork('local', { offline: true })
  const pipeline = chat.pipeline as NonNullable<Chat['pipeline']>
  const stored = (pipeline as unknown as { stored: Ingesting }).stored
  const network = (chat.node as NonNullable<Chat['node']>).network.id
  const wires: Uint8Array[] = []
  let prev: Uint8Array = new Uint8Array(0)
  for (let i = 0; i < count; i++) {
    const timestamp = t0 + i * 10
    const text = `${texts[i] as string}${i === count - 1 ? ' lastmessage' : ''}`
    const payload = new TextEncoder().encode(JSON.stringify({ text, sender: 'writer', timestamp }))
    const { wire, id } = await encodeEntry(author, { network, pipeline: pipeline.name, seq: i + 1, prev, time: timestamp, flags: FLAG_PERSISTENT, payload })
    prev = hexToBytes(id)
    wires.push(wire)
  }
  ctx.progress('history-search: ingest, deliver, index')
  const start = performance.now()
  for (let i = 0; i < wires.length; i += 400) {
    if (!await stored.ingestBatch(wires.slice(i, i + 400), 'bench', LIMITS)) throw new Error('ingest refused')
  }
  await waitFor(async () => (await chat.search('lastmessage')).length === 1, { timeout: 600_000, interval: 200, message: 'every message indexed' })
  const buildRate = count / ((performance.now() - start) / 1000)

  ctx.progress('history-search: history pages')
  const page: number[] = []
  for (let i = 0; i < 200; i++) {
    const before = t0 + Math.floor(Math.random() * count) * 10 + 5
    const t = performance.now()
    let n = 0
    for await (const _m of chat.history({ before, reverse: true, limit: 50 })) n++
    page.push(performance.now() - t)
    if (n === 0) throw new Error('empty history page')
  }
  const pipelinePage: number[] = []
  for (let i = 0; i < 200; i++) {
    const before = t0 + Math.floor(Math.random() * count) * 10 + 5
    const t = performance.now()
    for await (const _p of pipeline.history({ before, reverse: true, limit: 50 })) { /* a page of packets */ }
    pipelinePage.push(performance.now() - t)
  }
  let t = performance.now()
  for await (const _m of chat.history()) { /* the whole log, as a page cost before the index */ }
  const scan = performance.now() - t

  const search: Record<string, number[]> = {}
  if (withSearch) {
    ctx.progress('history-search: searches')
    const queries: Record<string, string[]> = {
      'one word': ['deadline', 'coffee', 'garden', 'invoice', 'kalomi0', 'sati1'],
      'two words': ['coffee meeting', 'release deadline', 'garden lunch', 'budget invoice'],
      prefix: ['dead', 'cof', 'gard', 'invo'],
      'one word, sender filter': ['deadline', 'coffee', 'garden', 'invoice']
    }
    for (const [kind, list] of Object.entries(queries)) {
      const times: number[] = []
      for (let rep = 0; rep < 10; rep++) {
        for (const q of list) {
          const s = performance.now()
          await chat.search(q, kind.includes('filter') ? { sender: 'writer', after: t0 + count * 5 } : {})
          times.push(performance.now() - s)
        }
      }
      search[kind] = times
    }
  }
  await chat.close()
  const kvChat = new Chat(dir)
  await kvChat.connectToNetwork('local', { offline: true })
  let bytes = 0
  for await (const { key, value } of durableStoreOf((kvChat.node as NonNullable<Chat['node']>).datastore).scan('/pipes/chat/')) bytes += key.length + value.length
  await kvChat.close()

  ctx.progress('history-search: restart to first search result')
  t = performance.now()
  chat = new Chat(dir)
  await chat.connectToNetwork('local', { offline: true })
  const first = await chat.search('deadline')
  const restartMs = performance.now() - t
  if (first.length === 0) throw new Error('nothing found after the restart')
  // the index lost: the first search rebuilds it from the log
  const kv = durableStoreOf((chat.node as NonNullable<Chat['node']>).datastore)
  const drop: Array<{ key: string }> = []
  for await (const { key } of kv.scan('/pipes/chat/')) if (key.includes('/search/')) drop.push({ key })
  await kv.batch(drop, { sync: true })
  await chat.close()
  ctx.progress('history-search: rebuild from the log')
  chat = new Chat(dir)
  await chat.connectToNetwork('local', { offline: true })
  t = performance.now()
  if ((await chat.search('lastmessage')).length !== 1) throw new Error('the rebuilt index lacks the last message')
  const rebuildRate = count / ((performance.now() - t) / 1000)
  await chat.close()
  return { count, page, pipelinePage, rebuildRate, scan, search, buildRate, bytesPerMessage: bytes / count, restartMs }
}

function pct (values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}

export const historySearch: Scenario = {
  id: 'history-search',
  title: 'History pages and full-text search (@pipes/chat on LevelDB)',
  async run (ctx: ScenarioContext): Promise<ResultRow[]> {
    const sizes = ctx.quick ? [1_000, 2_000] : [10_000, 100_000]
    const rows: ResultRow[] = []
    const row = (caseName: string, system: string, metric: string, unit: string, better: 'higher' | 'lower', values: number[], note?: string): ResultRow => {
      const r: ResultRow = { scenario: 'history-search', case: caseName, system, metric, unit, better, summary: summarize(values) }
      if (note !== undefined) r.note = note
      rows.push(r)
      return r
    }
    for (const count of sizes) {
      const largest = count === sizes[sizes.length - 1]
      const m = await measure(ctx, count, largest)
      const n = count.toLocaleString('en-US')
      const p99 = pct(m.page, 99)
      const pageRow = row(`history page of 50 at ${n}`, 'pipes chat.history (time index)', 'p50 ms', 'ms', 'lower', [pct(m.page, 50)], `p99 ${p99.toFixed(2)} ms`)
      pageRow.target = { text: `≤ 5 ms (p99 ${p99.toFixed(2)})`, met: p99 <= 5 }
      row(`history page of 50 at ${n}`, 'pipes pipeline.history (time index)', 'p50 ms', 'ms', 'lower', [pct(m.pipelinePage, 50)], `p99 ${pct(m.pipelinePage, 99).toFixed(2)} ms`)
      const scanRow = row(`history page of 50 at ${n}`, 'baseline: history() scan of the log', 'ms', 'ms', 'lower', [m.scan])
      scanRow.ratio = pageRow.summary.median / m.scan
      if (!largest) continue
      for (const [kind, times] of Object.entries(m.search)) {
        const p = pct(times, 99)
        const r = row(`search over ${n}: ${kind}`, 'pipes chat.search (MiniSearch)', 'p50 ms', 'ms', 'lower', [pct(times, 50)], `p99 ${p.toFixed(2)} ms`)
        r.target = { text: `p99 ≤ 20 ms (is ${p.toFixed(1)})`, met: p <= 20 }
      }
      row(`index build at ${n}`, 'pipes ingest → deliver → index (catch-up)', 'messages/s', 'msg/s', 'higher', [m.buildRate])
      const build = row(`index build at ${n}`, 'pipes rebuild from the log', 'messages/s', 'msg/s', 'higher', [m.rebuildRate])
      build.target = { text: '≥ 20,000 messages/s', met: m.rebuildRate >= 20_000 }
      row(`index on disk at ${n}`, 'pipes search records (sealed)', 'bytes per message', 'B', 'lower', [m.bytesPerMessage])
      const restart = row(`restart to first search result at ${n}`, 'pipes new Chat + search', 'ms', 'ms', 'lower', [m.restartMs])
      restart.target = { text: '≤ 1,000 ms', met: m.restartMs <= 1000 }
    }
    return rows
  }
}
