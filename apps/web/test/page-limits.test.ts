// The page with no relay at all: a second tab of an open profile is
// refused with a clear error instead of writing beside the first.
import { Scratch } from '@pipes/test-support'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchBrowser } from './harness.js'
import { buildPage, openUser, screenshot, send, servePage } from './web-app.js'
import type { BrowserContext } from 'playwright-core'

const scratch = new Scratch('pipes-web-limits-')
let url: string
let context: BrowserContext

beforeAll(async () => {
  url = await servePage(scratch, await buildPage(scratch), undefined)
  context = await launchBrowser(scratch)
}, 90_000)

afterAll(async () => { await scratch.cleanup() }, 30_000)

it('a second tab of the same profile shows ERR_PROFILE_LOCKED and writes nothing', async () => {
  const first = await openUser(context, url, 'dana')
  await send(first, 'from the first tab')
  const second = await context.newPage()
  try {
    await second.goto(`${url}/?profile=dana`)
    const alert = second.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('ERR_PROFILE_LOCKED')
    expect(await alert.textContent()).toContain('another tab')
    await screenshot(second, 'limits-1-second-tab')
  } finally {
    await second.close()
    await first.close()
  }
})
