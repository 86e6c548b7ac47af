// The page's weight: every script and style a first visit downloads,
// gzipped, stays under the budget README.md states.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Scratch } from '@pipes/test-support'
import { afterAll, expect, it } from 'vitest'
import { buildPage } from './web-app.js'

/** README.md "Size": raise it only with a reason written there. */
const BUDGET_GZIP_BYTES = 330 * 1024

const scratch = new Scratch('pipes-web-size-')
afterAll(async () => { await scratch.cleanup() })

it(`the production build is under ${BUDGET_GZIP_BYTES / 1024} KiB gzipped`, async () => {
  const dir = await buildPage(scratch)
  const assets = join(dir, 'assets')
  let total = 0
  const files: string[] = []
  for (const name of await readdir(assets)) {
    if (!/\.(js|css)$/.test(name)) continue
    total += gzipSync(await readFile(join(assets, name)), { level: 9 }).byteLength
    files.push(name)
  }
  total += gzipSync(await readFile(join(dir, 'index.html')), { level: 9 }).byteLength
  console.log(`apps/web bundle: ${(total / 1024).toFixed(1)} KiB gzipped in ${files.length} files`)
  expect(files.some(f => f.endsWith('.js'))).toBe(true)
  expect(total).toBeLessThan(BUDGET_GZIP_BYTES)
}, 60_000)
