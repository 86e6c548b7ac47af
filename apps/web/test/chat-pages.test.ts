// Two pages and a Node chat on one `pipes relay`: the main channel, a
// private message, a room with a removal and a search, in real Chromium.
import { join } from 'node:path'
import { Scratch, waitFor } from '@pipes/test-support'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { freePort, launchBrowser, startRelay } from './harness.js'
import { buildPage, messageIn, nodeChat, openConversation, openUser, screenshot, send, servePage, waitOnline } from './web-app.js'
import type { RelayProcess } from './harness.js'
import type { Chat } from '@pipes/chat'
import type { BrowserContext, Page } from 'playwright-core'

const scratch = new Scratch('pipes-web-chat-')
let relay: RelayProcess
let url: string
let context: BrowserContext

beforeAll(async () => {
  const [dir, relayDir] = await Promise.all([buildPage(scratch), scratch.dir()])
  relay = await startRelay(scratch, join(relayDir, 'relay'), { tcp: await freePort(), ws: await freePort() })
  url = await servePage(scratch, dir, relay.ws)
  context = await launchBrowser(scratch)
}, 90_000)

afterAll(async () => { await scratch.cleanup() }, 30_000)

it('two pages and a Node chat talk in the channel, privately and in a room; a removed member sees nothing after', async () => {
  const carol = await nodeChat(scratch, 'carol', relay.tcp)
  const alice = await openUser(context, url, 'alice')
  const bob = await openUser(context, url, 'bob')
  await Promise.all([waitOnline(alice), waitOnline(bob)])

  // the main channel: everyone writes, everyone reads (and learns the others' identities)
  await send(alice, 'hello from alice')
  await messageIn(bob, 'hello from alice').waitFor({ timeout: 30_000 })
  await send(bob, 'hello from bob')
  await messageIn(alice, 'hello from bob').waitFor({ timeout: 30_000 })
  await carol.chat.sendMessage('hello from carol')
  await messageIn(alice, 'hello from carol').waitFor({ timeout: 30_000 })
  await messageIn(bob, 'hello from carol').waitFor({ timeout: 30_000 })
  await waitFor(() => carol.got.includes('hello from alice') && carol.got.includes('hello from bob'), { timeout: 30_000, message: 'carol reads both pages' })
  await alice.locator('li.message.own[data-mark="delivered"]', { hasText: 'hello from alice' }).waitFor({ timeout: 30_000 })
  await screenshot(alice, 'chat-1-channel-alice')

  // private: alice to bob; carol's node carries it but cannot read it
  await alice.getByRole('button', { name: 'Message bob privately' }).click()
  await send(alice, 'only for bob')
  await openConversation(bob, '@alice')
  await messageIn(bob, 'only for bob').waitFor({ timeout: 30_000 })
  await screenshot(bob, 'chat-2-private-bob')

  // a room: alice creates it for bob and carol; bob joins in his page, carol in Node
  await alice.getByLabel('New room name').fill('team')
  const members = alice.getByRole('group', { name: 'Members' })
  await members.getByLabel('bob').check()
  await members.getByLabel('carol').check()
  await alice.getByRole('button', { name: 'Create room' }).click()
  await alice.locator('#conversation-title', { hasText: '#team' }).waitFor()
  const owner = await waitForOwner(carol)
  await carol.chat.joinRoom('team', { owner })
  await bob.getByLabel('Join room').fill('team')
  await bob.getByLabel('Owner').selectOption({ label: 'alice' })
  await bob.getByRole('button', { name: 'Join room' }).click()
  await bob.locator('#conversation-title', { hasText: '#team' }).waitFor()
  await send(alice, 'welcome to the room')
  await messageIn(bob, 'welcome to the room').waitFor({ timeout: 30_000 })
  await waitFor(() => carol.got.includes('#team welcome to the room'), { timeout: 30_000, message: 'carol reads the room' })
  await screenshot(bob, 'chat-3-room-bob')

  // search (chat.search): bob finds the room message by a half-typed word, highlighted, from another conversation
  await openConversation(bob, 'General')
  await bob.getByLabel('Search messages').fill('welcom')
  await bob.getByRole('button', { name: 'Search', exact: true }).click()
  const hit = bob.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: 'welcome to the room' })
  await hit.waitFor()
  expect(await hit.locator('mark').first().textContent()).toBe('welcome')
  expect(await hit.textContent()).toContain('#team')
  await screenshot(bob, 'chat-3b-search-bob')
  await hit.getByRole('button').click()
  await bob.locator('#conversation-title', { hasText: '#team' }).waitFor()

  // removal: after it, what alice writes reaches carol, never bob's page
  const remove = alice.getByRole('button', { name: 'Remove bob from #team' })
  await remove.click()
  await remove.waitFor({ state: 'detached', timeout: 15_000 })
  await send(alice, 'after bob left')
  await waitFor(() => carol.got.includes('#team after bob left'), { timeout: 30_000, message: 'carol reads the room after the removal' })
  await carol.chat.room('team')?.sendMessage('carol after the removal')
  await messageIn(alice, 'carol after the removal').waitFor({ timeout: 30_000 })
  expect(await messageIn(bob, 'after bob left').count()).toBe(0)
  expect(await messageIn(bob, 'carol after the removal').count()).toBe(0)
  expect(carol.got).not.toContain('@only for bob')
  await screenshot(bob, 'chat-4-room-after-removal-bob')
  await screenshot(alice, 'chat-4-room-after-removal-alice')

  // a phone's width: the conversation list folds behind a button, the composer stays in reach
  await bob.setViewportSize({ width: 390, height: 780 })
  await openConversationOnPhone(bob, 'General')
  await bob.getByLabel('Message', { exact: true }).waitFor()
  await messageIn(bob, 'hello from carol').waitFor()
  await screenshot(bob, 'chat-5-phone-bob')
}, 180_000)

async function openConversationOnPhone (page: Page, title: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Conversations' })
  await menu.click()
  expect(await menu.getAttribute('aria-expanded')).toBe('true')
  await openConversation(page, title)
  expect(await menu.getAttribute('aria-expanded')).toBe('false')
}

/** Alice's id, as carol's node learned it from her signed messages. */
async function waitForOwner (carol: { chat: Chat }): Promise<string> {
  let id: string | undefined
  await waitFor(async () => {
    for await (const m of carol.chat.history()) if (m.sender === 'alice') id = m.senderId
    return id !== undefined
  }, { timeout: 10_000, message: 'carol knows alice' })
  return id as string
}
