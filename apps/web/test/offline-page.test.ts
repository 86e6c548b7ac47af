// Offline-first in real Chromium: the relay goes away, the page writes,
// reloads while offline and still shows its history and the pending
// message; when the relay is back the message is delivered and the one
// missed meanwhile arrives.
import { join } from 'node:path'
import { Scratch, waitFor } from '@pipes/test-support'
import { afterAll, beforeAll, it } from 'vitest'
import { freePort, launchBrowser, startRelay } from './harness.js'
import { buildPage, messageIn, nodeChat, openUser, screenshot, send, servePage, waitOnline } from './web-app.js'
import type { RelayProcess } from './harness.js'
import type { BrowserContext } from 'playwright-core'

const scratch = new Scratch('pipes-web-offline-')
let relay: RelayProcess
let relayDir: string
let ports: { tcp: number, ws: number }
let url: string
let context: BrowserContext

beforeAll(async () => {
  const [dir, base] = await Promise.all([buildPage(scratch), scratch.dir()])
  relayDir = join(base, 'relay')
  ports = { tcp: await freePort(), ws: await freePort() }
  relay = await startRelay(scratch, relayDir, ports)
  url = await servePage(scratch, dir, relay.ws)
  context = await launchBrowser(scratch)
}, 90_000)

afterAll(async () => { await scratch.cleanup() }, 30_000)

it('writes while the relay is gone, survives a reload offline, and delivers and catches up when it returns', async () => {
  const carol = await nodeChat(scratch, 'carol', relay.tcp)
  const alice = await openUser(context, url, 'alice')
  await waitOnline(alice)
  await send(alice, 'before the outage')
  await alice.locator('li.message.own[data-mark="delivered"]', { hasText: 'before the outage' }).waitFor({ timeout: 30_000 })
  await waitFor(() => carol.got.includes('before the outage'), { timeout: 30_000, message: 'carol reads alice' })

  await relay.stop()
  await alice.locator('[data-state="offline"]').waitFor({ timeout: 30_000 })
  await send(alice, 'written offline')
  await alice.locator('li.message.own[data-mark="pending"]', { hasText: 'written offline' }).waitFor()
  await carol.chat.sendMessage('carol while alice is away')
  await screenshot(alice, 'offline-1-pending')

  // a reload with the relay still gone: the page opens from IndexedDB alone
  await alice.reload()
  await alice.locator('[data-state="offline"]').waitFor()
  await messageIn(alice, 'before the outage').waitFor()
  await alice.locator('li.message.own[data-mark="pending"]', { hasText: 'written offline' }).waitFor()
  await screenshot(alice, 'offline-2-reloaded-offline')

  relay = await startRelay(scratch, relayDir, ports)
  await alice.locator('li.message.own[data-mark="delivered"]', { hasText: 'written offline' }).waitFor({ timeout: 45_000 })
  await messageIn(alice, 'carol while alice is away').waitFor({ timeout: 45_000 })
  await waitOnline(alice, 45_000)
  await waitFor(() => carol.got.includes('written offline'), { timeout: 45_000, message: 'carol gets what alice wrote offline' })
  await screenshot(alice, 'offline-3-back-online')
}, 200_000)
