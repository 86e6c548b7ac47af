// The IndexedDB DurableStore and the browser PlatformStorage in real Chromium:
// a test page bundled for the browser, driven by playwright-core.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Scratch } from '@pipes/test-support'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, serveStatic } from './harness.js'
import type { BrowserContext, Page } from 'playwright-core'

const scratch = new Scratch('pipes-web-storage-')
let context: BrowserContext
let url: string

beforeAll(async () => {
  const root = await scratch.dir()
  await mkdir(root, { recursive: true })
  await build({
    entryPoints: [fileURLToPath(new URL('./pages/storage-page.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    outfile: join(root, 'page.js'),
    logLevel: 'silent',
    // what the platform loads only in Node (its directory storage) stays out
    plugins: [{ name: 'lazy-out', setup (b) { b.onResolve({ filter: /.*/ }, a => a.kind === 'dynamic-import' && a.path.includes('directory-storage') ? { path: a.path, external: true } : undefined) } }]
  })
  await writeFile(join(root, 'index.html'), '<!doctype html><html><body><script type="module" src="/page.js"></script></body></html>')
  url = await serveStatic(scratch, root)
  context = await launchBrowser(scratch)
}, 60_000)

afterAll(async () => { await scratch.cleanup() }, 30_000)

async function open (): Promise<Page> {
  const page = await context.newPage()
  await page.goto(url)
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 10_000 })
  return page
}

type Api = Record<string, (...args: unknown[]) => Promise<unknown>>
async function call<T> (page: Page, fn: string, ...args: unknown[]): Promise<T> {
  return await page.evaluate(async ([fn, args]) => await ((globalThis as unknown as { pipesTest: Api }).pipesTest[fn as string] as (...a: unknown[]) => Promise<unknown>)(...(args as unknown[])), [fn, args] as const) as T
}

describe('IndexedDB DurableStore', () => {
  it('writes a batch durably, scans a prefix in key order across chunks, deletes, and keeps it all over a reload', async () => {
    const page = await open()
    try {
      const wrote = await call<{ durable: boolean, keys: number, first: string, last: string, deleted: boolean }>(page, 'storeRoundTrip', 'kv-a', 600)
      expect(wrote).toEqual({ durable: true, keys: 599, first: 'log/00000', last: 'log/00599', deleted: true })
      await page.reload()
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
      expect(await call(page, 'storeRead', 'kv-a')).toEqual({ count: 599, last: 'v599', other: 'x' })
    } finally {
      await page.close()
    }
  })

  it('reads a page of a range forwards and backwards, only as far as the limit', async () => {
    const page = await open()
    try {
      expect(await call(page, 'storeRange', 'kv-r')).toEqual({ forward: ['t/2', 't/3', 't/4'], back: ['t/7', 't/6'], open: ['t/9'] })
    } finally {
      await page.close()
    }
  })

  it('a batch with one value it cannot store stores none of it', async () => {
    const page = await open()
    try {
      const result = await call<{ error: string, stored: unknown[] }>(page, 'brokenBatch', 'kv-b')
      expect(result.error).toBe('DataCloneError')
      expect(result.stored).toEqual([undefined, undefined])
    } finally {
      await page.close()
    }
  })
})

describe('browser PlatformStorage', () => {
  it('keeps the identity, the networks and a node\'s messages across a reload', async () => {
    const page = await open()
    try {
      const { id } = await call<{ id: string }>(page, 'platformWrite', 'p1', 'first')
      await page.reload()
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
      await call(page, 'platformWrite', 'p1', 'second')
      await page.reload()
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
      const read = await call<{ id: string, name: string, networks: string[], texts: string[] }>(page, 'platformRead', 'p1')
      expect(read).toEqual({ id, name: 'alice', networks: ['local', 'webtest'], texts: ['first', 'second'] })
    } finally {
      await page.close()
    }
  })

  it('a second tab of an open profile gets ERR_PROFILE_LOCKED; once the first closes it, it opens', async () => {
    const first = await open()
    const second = await open()
    try {
      expect(await call(first, 'hold', 'p2')).toBe('held')
      expect(await call(second, 'tryOpen', 'p2')).toBe('ERR_PROFILE_LOCKED')
      expect(await call(second, 'tryOpen', 'other-profile')).toBe('opened')
      await call(first, 'release')
      expect(await call(second, 'tryOpen', 'p2')).toBe('opened')
    } finally {
      await first.close()
      await second.close()
    }
  })
})
