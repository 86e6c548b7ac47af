/**
 * Drives the built page as a user would: by labels and roles. Also builds
 * the page (Vite, production) into a directory and serves it with a
 * config.json naming the relay.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { Chat } from '@pipes/chat'
import { RESULTS, serveStatic } from './harness.js'
import type { Scratch } from '@pipes/test-support'
import type { BrowserContext, Page } from 'playwright-core'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Builds the page for production into a scratch directory. */
export async function buildPage (scratch: Scratch): Promise<string> {
  const outDir = await scratch.dir()
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } })
  return outDir
}

/** Serves a built page with `config.json` naming the relay. */
export async function servePage (scratch: Scratch, dir: string, relay: string | undefined): Promise<string> {
  await writeFile(join(dir, 'config.json'), JSON.stringify({ relay, network: 'pipes' }))
  return await serveStatic(scratch, dir)
}

/** Opens the page for `profile` and sets the user up (once per profile). */
export async function openUser (context: BrowserContext, url: string, profile: string, name = profile): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${url}/?profile=${profile}`)
  const setup = page.getByLabel('Your name')
  const ready = page.getByRole('status').filter({ hasText: /online|offline|catching/ })
  await Promise.race([setup.waitFor(), ready.waitFor()])
  if (await setup.isVisible()) {
    await setup.fill(name)
    await page.getByRole('button', { name: 'Start' }).click()
  }
  await ready.waitFor()
  return page
}

export async function waitOnline (page: Page, timeout = 30_000): Promise<void> {
  await page.locator('[data-state="online"]').waitFor({ timeout })
}

export async function openConversation (page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: title, exact: true }).click()
  await page.locator('#conversation-title', { hasText: title }).waitFor()
}

export async function send (page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
  await messageIn(page, text).waitFor()
}

/** The shown message whose text is `text`, in the open conversation. */
export function messageIn (page: Page, text: string) {
  return page.getByRole('log').locator('li.message', { has: page.locator('.text', { hasText: text }) })
}

export async function screenshot (page: Page, name: string): Promise<void> {
  await mkdir(RESULTS, { recursive: true })
  await page.screenshot({ path: join(RESULTS, `${name}.png`) })
}

/** A Node chat on the relay's network (the same Chat class the page runs). */
export async function nodeChat (scratch: Scratch, name: string, relayTcp: string): Promise<{ chat: Chat, got: string[] }> {
  const chat = scratch.track(new Chat(await scratch.dir(), { platform: { syncIntervalMs: 2000, transport: { redial: { baseDelayMs: 250, maxDelayMs: 5000 } } } }))
  await chat.setupUser(name)
  await chat.api.addNetwork({ id: 'pipes', listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [relayTcp], mdns: false })
  const got: string[] = []
  chat.setListener(m => { got.push(m.room === undefined ? (m.private === true ? `@${m.text}` : m.text) : `#${m.room} ${m.text}`) })
  await chat.connectToNetwork('pipes')
  return { chat, got }
}
