/**
 * The scripted `pnpm demo`: alice, bob and carol run the tutorial's `Chat` on
 * the built-in loopback network "local", each with its own apiPath under a
 * fresh temporary directory. They chat live; bob goes offline and misses
 * messages (and writes one himself); he comes back and everything arrives.
 * Then the tutorial's last sections: alice writes bob privately, and opens an
 * encrypted room for the three of them, from which she later removes carol.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Chat } from '@pipes/chat'
import { waitFor } from '@pipes/test-support'
import type { ChatMessage } from '@pipes/chat'
import { LOCAL_NETWORK_ID } from '@pipes/platform'
import { Inbox } from './inbox.js'
import { Narrator } from './narrator.js'
import type { LocalIdentity } from '@pipes/identity'

interface User {
  name: string
  chat: Chat
  inbox: Inbox
  /** The user's id (their node's peer id). */
  id: string
}

/** What a demo run established, for callers (and tests) that want figures. */
export interface DemoResult {
  /** Messages bob missed while offline and then received. */
  missedDelivered: number
  /** Private messages alice sent bob that carol's UI showed (0 when all is well). */
  privateSeenByCarol: number
  /** Room messages sent after carol's removal that her UI showed (0 when all is well). */
  roomSeenByCarolAfterRemoval: number
  /** Total time, ms. */
  elapsedMs: number
}

function short (id: string): string {
  return `${id.slice(0, 8)}…${id.slice(-4)}`
}

/** Waits (bounded, 10 s) until `check` holds: for state that has no event. */
async function until (check: () => boolean, what: string): Promise<void> {
  await waitFor(check, { timeout: 10_000, interval: 25, message: what })
}

/** Where a message was said: private, in a room, or on the main channel. */
function where (m: ChatMessage): string {
  if (m.private === true) return '(private) '
  if (m.room !== undefined) return `[${m.room}] `
  return ''
}

/** Runs the demo, printing through `narrator`; removes everything it made, also on failure. */
export async function runDemo (narrator = new Narrator()): Promise<DemoResult> {
  const n = narrator
  const dir = await mkdtemp(join(tmpdir(), 'pipes-demo-'))
  const users: User[] = []
  const missedByBob = new Set<string>()
  let bobOffline = false

  n.text(n.bold('Pipes demo: the tutorial\'s Chat, three users on one machine'))
  n.text(n.dim(`network "${LOCAL_NETWORK_ID}" (built in: 127.0.0.1, TCP port chosen by the OS, no mDNS); data under ${dir}`))

  const say = async (from: User, text: string): Promise<void> => {
    await from.chat.sendMessage(text)
    const where = from.name === 'bob' && bobOffline ? n.dim('  (bob is offline: stored locally, not delivered yet)') : ''
    n.log(`${n.user(from.name)}  sends     "${text}"${where}`)
  }

  try {
    n.step('1. alice, bob and carol set up their users and join the network')
    for (const name of ['alice', 'bob', 'carol']) {
      const chat = new Chat(join(dir, name))
      const inbox = new Inbox()
      if (!await chat.isUserConfigured()) await chat.setupUser(name)
      chat.setListener((m) => {
        inbox.add(m, n.elapsed())
        if (m.sender === name) return // our own message, echoed to our UI
        const late = missedByBob.has(m.text) && name === 'bob'
        const note = late ? n.green('  <- missed while offline, delivered on reconnect') : ''
        n.log(`${n.user(name)}  receives  ${where(m)}${m.sender}: "${m.text}" ${n.dim(`(${Date.now() - m.timestamp} ms after it was sent)`)}${note}`)
      })
      await chat.connectToNetwork(LOCAL_NETWORK_ID)
      const id = (chat.identity as LocalIdentity).id
      users.push({ name, chat, inbox, id })
      n.log(`${n.user(name)}  is on "${LOCAL_NETWORK_ID}" as ${short(id)}, listening on ${chat.addresses()[0] ?? '(no address)'}`)
    }
    const [alice, bob, carol] = users as [User, User, User]

    const aliceAddr = alice.chat.addresses()[0]
    if (aliceAddr === undefined) throw new Error('alice has no listen address')
    await bob.chat.dial(aliceAddr)
    await carol.chat.dial(aliceAddr)
    n.log(`bob and carol dial alice's address (no mDNS on the loopback network: apps pass addresses)`)

    n.step('2. live chat: everyone receives everything')
    const live = [
      [alice, 'Hi bob, hi carol!'],
      [bob, 'Hey alice! Pipes works.'],
      [carol, 'Hello both, I am here too.']
    ] as const
    for (const [from, text] of live) {
      await say(from, text)
      await Promise.all(users.filter(u => u !== from).map(u => u.inbox.waitFor([text], u.name)))
    }

    n.step('3. bob goes offline; alice and carol keep chatting')
    const aliceSeesBobLeave = new Promise<void>((resolve) => {
      const onLeft = (e: CustomEvent<string>): void => {
        if (e.detail !== bob.id) return
        alice.chat.removeEventListener('peer:left', onLeft)
        resolve()
      }
      alice.chat.addEventListener('peer:left', onLeft)
    })
    await bob.chat.disconnect()
    bobOffline = true
    await aliceSeesBobLeave
    n.log(`${n.user('bob')}  disconnects; alice sees him leave (peers: alice ${alice.chat.peers().length}, bob ${bob.chat.peers().length})`)
    const missed = [
      [alice, 'bob, did you see the news?'],
      [carol, 'He left. We will tell him later.'],
      [alice, 'Persistent pipelines will deliver it anyway.']
    ] as const
    for (const [from, text] of missed) {
      missedByBob.add(text)
      await say(from, text)
      const other = from === alice ? carol : alice
      await other.inbox.waitFor([text], other.name)
    }
    const offlineNote = 'Sorry, my train went into a tunnel.'
    await say(bob, offlineNote)
    const bobHas = [...missedByBob].filter(t => bob.inbox.has(t)).length
    n.log(`${n.user('bob')}  has received ${bobHas} of the ${missedByBob.size} messages sent while he was offline`)

    n.step('4. bob comes back: the missed messages arrive, and his own offline message goes out')
    const backAt = n.elapsed()
    await bob.chat.reconnect()
    bobOffline = false
    await bob.chat.dial(aliceAddr)
    n.log(`${n.user('bob')}  reconnects and dials alice`)
    await Promise.all([
      bob.inbox.waitFor([...missedByBob], 'bob'),
      alice.inbox.waitFor([offlineNote], 'alice'),
      carol.inbox.waitFor([offlineNote], 'carol')
    ])
    const missedArrivals = bob.inbox.messages.filter(m => missedByBob.has(m.text)).map(m => m.receivedAt)
    const caughtUp = Math.max(...missedArrivals) - backAt
    const got = missedArrivals.length
    await say(bob, 'Back online, all caught up.')
    await Promise.all([alice, carol].map(u => u.inbox.waitFor(['Back online, all caught up.'], u.name)))

    n.step('5. private chat: alice writes to bob alone (a point-to-point pipeline)')
    const bobIdentity = bob.chat.identity as LocalIdentity
    const secret = 'Bob, between us: the party for carol is on Friday.'
    await alice.chat.sendPrivateMessage(bobIdentity.public(), secret)
    n.log(`${n.user('alice')}  sends     (private to bob) "${secret}"`)
    await bob.inbox.waitFor([secret], 'bob')
    const answer = 'Got it, my lips are sealed.'
    await bob.chat.sendPrivateMessage(alice.id, answer)
    n.log(`${n.user('bob')}  sends     (private to alice) "${answer}"`)
    await alice.inbox.waitFor([answer], 'alice')
    const privateSeenByCarol = carol.inbox.messages.filter(m => m.private === true).length
    n.log(`${n.user('carol')}  saw ${privateSeenByCarol} private messages: only alice and bob hold the pair key`)

    n.step('6. encrypted room: alice creates "team" for the three of them, then removes carol')
    n.log(`bob and carol give alice their public identity (JSON.stringify(chat.identity): id, name, key, signature)`)
    const cards = [bob, carol].map(u => JSON.stringify(u.chat.identity))
    const aliceRoom = await alice.chat.createRoom('team', { members: cards })
    const bobRoom = await bob.chat.joinRoom('team', { owner: alice.id })
    const carolRoom = await carol.chat.joinRoom('team', { owner: alice.id })
    n.log(`${n.user('alice')}  creates room "team" (owner; members ${aliceRoom.members().map(m => m.name).join(', ')}); bob and carol join it`)
    const welcome = 'Welcome to the team room.'
    await aliceRoom.sendMessage(welcome)
    n.log(`${n.user('alice')}  sends     [team] "${welcome}"`)
    await Promise.all([bob.inbox.waitFor([welcome], 'bob'), carol.inbox.waitFor([welcome], 'carol')])
    const hello = 'Hi team!'
    await carolRoom.sendMessage(hello)
    n.log(`${n.user('carol')}  sends     [team] "${hello}"`)
    await Promise.all([alice.inbox.waitFor([hello], 'alice'), bob.inbox.waitFor([hello], 'bob')])
    await aliceRoom.removeMember(carol.id)
    await until(() => bobRoom.epoch === aliceRoom.epoch && bobRoom.hasKey, 'bob has the new room key')
    n.log(`${n.user('alice')}  removes carol: the room moves to key epoch ${aliceRoom.epoch}, sealed to alice and bob only`)
    await until(() => carolRoom.epoch === aliceRoom.epoch, 'carol\'s node learns of the new epoch')
    const afterwards = 'Now just the two of us: Friday at eight.'
    const storedByCarol = carol.chat.networkStats().pipeline.stored
    await aliceRoom.sendMessage(afterwards)
    n.log(`${n.user('alice')}  sends     [team] "${afterwards}"`)
    await bob.inbox.waitFor([afterwards], 'bob')
    await until(() => carol.chat.networkStats().pipeline.stored > storedByCarol, 'carol\'s node stores the message')
    const roomSeenByCarolAfterRemoval = carol.inbox.messages.filter(m => m.text === afterwards).length
    n.log(`${n.user('carol')}  stores that message (her node relays it) but saw ${roomSeenByCarolAfterRemoval} of 1: she has no key for epoch ${carolRoom.epoch} (hasKey ${String(carolRoom.hasKey)})`)

    n.step('summary')
    n.text(n.green(`bob received ${got} of ${missedByBob.size} messages he missed, the last ${caughtUp} ms after reconnecting; alice and carol received what bob wrote offline.`))
    n.text(n.green(`carol saw ${privateSeenByCarol} private messages and ${roomSeenByCarolAfterRemoval} room messages sent after her removal.`))
    for (const u of users) {
      const s = u.chat.stats()
      n.text(`${n.user(u.name)} sent ${s.sent}, received ${s.received} (own included), malformed ${s.malformed}`)
    }
    return { missedDelivered: got, privateSeenByCarol, roomSeenByCarolAfterRemoval, elapsedMs: n.elapsed() }
  } finally {
    const closed = await Promise.allSettled(users.map(async u => { await u.chat.close() }))
    await rm(dir, { recursive: true, force: true })
    const failed = closed.filter(r => r.status === 'rejected').length
    n.text(n.dim(`stopped ${users.length - failed} of ${users.length} nodes, removed ${dir}, ${n.elapsed()} ms in all`))
  }
}
