/**
 * The slash commands of `pipes chat`. Each prints its result as system
 * lines in the pane; a mistake throws a one-line error the app shows in red.
 */
import type { ChatHistoryOptions, ChatMessage, SearchHit } from '@pipes/chat'
import { MAIN_CHANNEL } from '../cli/session.js'
import { CommandError } from './directory.js'
import type { ChatApp } from './chat-app.js'

const NOT_IN_THIS_VERSION = 'is not available in this version'

export const HELP = `commands:
/join <channel>          switch to a channel (only "${MAIN_CHANNEL}" in this version)
/leave                   leave the room or private chat you are in (back to ${MAIN_CHANNEL})
/channels                list channels, rooms and private chats
/dm <who> [text]         talk privately with <who> (a name, an id, or their identity JSON)
/room create <room> [who ...]   create an encrypted room with these members
/room join <room> <owner>       open a room someone created (you see it once they add you)
/room add <room> <who>          add a member (owner only)
/room remove <room> <who>       remove a member: they read nothing sent after
/history [n]             show the last n stored messages here (default 20)
/search <text>           find messages by words (every channel, room and private chat)
/members                 who is in this room
/who                     who is connected now
/help                    this list
/quit                    leave (also Ctrl-C)`

function words (line: string): string[] {
  return line.trim().split(/\s+/).filter(w => w !== '')
}

/** Runs one slash command line. */
export async function runSlashCommand (app: ChatApp, line: string): Promise<void> {
  const [command = '', ...args] = words(line)
  const rest = line.trim().slice(command.length).trim()
  switch (command) {
    case '/help': app.messages.addSystem(HELP); break
    case '/quit': case '/exit': app.end(); return
    case '/join': {
      const channel = (args[0] ?? '').replace(/^#/, '')
      if (channel === '') throw new CommandError('/join needs a channel: /join general')
      if (channel !== MAIN_CHANNEL) {
        if (app.chat.room(channel) !== undefined) { app.target = { kind: 'room', name: channel }; break }
        throw new CommandError(`channel "${channel}": channels other than "${MAIN_CHANNEL}" ${NOT_IN_THIS_VERSION} (for a group, /room create or /room join)`)
      }
      app.target = { kind: 'general' }
      break
    }
    case '/leave': {
      const t = app.target
      if (t.kind === 'general') throw new CommandError(`leaving channels ${NOT_IN_THIS_VERSION}: "${MAIN_CHANNEL}" is the one channel (/quit to leave the chat)`)
      if (t.kind === 'room') {
        app.chat.room(t.name)?.close()
        await app.rooms.forget(t.name)
        app.messages.addSystem(`left #${t.name} (not reopened on the next start)`)
      }
      app.target = { kind: 'general' }
      break
    }
    case '/channels': {
      const rooms = app.chat.rooms().map(r => `#${r.name}`)
      const dms = app.chat.privatePeers().map(id => `@${app.directory.nameOf(id)}`)
      app.messages.addSystem(`channels: ${MAIN_CHANNEL} (more channels ${NOT_IN_THIS_VERSION})`)
      app.messages.addSystem(`rooms: ${rooms.length === 0 ? 'none' : rooms.join(' ')}`)
      app.messages.addSystem(`private: ${dms.length === 0 ? 'none' : dms.join(' ')}`)
      break
    }
    case '/dm': {
      if (args[0] === undefined) throw new CommandError('/dm needs someone: /dm bob [text]')
      const who = args[0].startsWith('{') ? rest : args[0]
      const someone = await app.directory.resolve(who, app.selfId)
      if (someone.id === app.selfId) throw new CommandError('that is you: /dm someone else')
      app.target = { kind: 'dm', id: someone.id }
      const text = who === rest ? '' : rest.slice(who.length).trim()
      if (text !== '') await app.send(text)
      break
    }
    case '/room': await room(app, args, rest); break
    case '/history': {
      const n = args[0] === undefined ? 20 : Number(args[0])
      if (!Number.isSafeInteger(n) || n < 1) throw new CommandError('/history takes a number of messages: /history 50')
      await history(app, n)
      break
    }
    case '/search': {
      if (rest === '') throw new CommandError('/search needs words: /search lunch friday')
      await search(app, rest)
      break
    }
    case '/members': {
      const t = app.target
      if (t.kind !== 'room') throw new CommandError(`/members lists a room's members: /join #room first (${MAIN_CHANNEL} is open to everyone on the network)`)
      const r = app.chat.room(t.name)
      const names = (r?.members() ?? []).map(m => m.id === app.selfId ? `${m.name} (you)` : m.name)
      app.messages.addSystem(`#${t.name}: ${names.length === 0 ? 'no member list (a shared-secret room, or not added yet)' : names.join(', ')}`)
      break
    }
    case '/who': {
      const relays = new Set((app.chat.node?.network.bootstrap ?? []).map(a => a.split('/p2p/')[1]))
      const peers = app.chat.peers().map(id => relays.has(id) ? `relay (${id.slice(0, 8)}…)` : app.directory.nameOf(id))
      app.messages.addSystem(`connected: ${peers.length === 0 ? 'nobody (offline)' : peers.join(', ')}`)
      app.messages.addSystem(`seen here: ${app.directory.names().join(', ') || 'nobody yet'}`)
      break
    }
    default: throw new CommandError(`unknown command ${command}: /help lists them`)
  }
  app.draw()
}

async function room (app: ChatApp, args: string[], rest: string): Promise<void> {
  const [sub, name, ...who] = args
  if (sub === undefined || name === undefined) throw new CommandError('/room create|join|add|remove <room> ...: see /help')
  const roomName = name.replace(/^#/, '')
  switch (sub) {
    case 'create': {
      const members = []
      for (const w of who) {
        const someone = await app.directory.resolve(w, app.selfId)
        if (someone.identity === undefined) throw new CommandError(`${w}: a member needs their identity, not only an id: paste their pipes whoami identity, or wait until they write on ${MAIN_CHANNEL}`)
        members.push(someone.identity)
      }
      const r = await app.chat.createRoom(roomName, { members })
      app.adoptRoom(r)
      await app.rooms.save({ name: roomName, created: true })
      app.target = { kind: 'room', name: roomName }
      app.messages.addSystem(`created #${roomName} with ${r.members().map(m => m.name).join(', ')}`)
      return
    }
    case 'join': {
      if (who[0] === undefined) throw new CommandError('/room join <room> <owner>: name who created it')
      const ownerText = who[0].startsWith('{') ? rest.slice(rest.indexOf(who[0])) : who[0]
      const owner = await app.directory.resolve(ownerText, app.selfId)
      const r = await app.chat.joinRoom(roomName, { owner: owner.id })
      app.adoptRoom(r)
      await app.rooms.save({ name: roomName, owner: owner.id })
      app.target = { kind: 'room', name: roomName }
      app.messages.addSystem(r.hasKey ? `joined #${roomName}` : `joined #${roomName}: messages show once ${app.directory.nameOf(owner.id)} adds you`)
      return
    }
    case 'add': case 'remove': {
      const r = app.chat.room(roomName)
      if (r === undefined) throw new CommandError(`room #${roomName} is not open here: /room create or /room join it first`)
      if (who[0] === undefined) throw new CommandError(`/room ${sub} <room> <who>`)
      const text = who[0].startsWith('{') ? rest.slice(rest.indexOf(who[0])) : who[0]
      const someone = await app.directory.resolve(text, app.selfId)
      if (sub === 'add') {
        if (someone.identity === undefined) throw new CommandError(`${who[0]}: adding needs their identity: paste their pipes whoami identity, or wait until they write on ${MAIN_CHANNEL}`)
        await r.addMember(someone.identity)
        app.messages.addSystem(`added ${someone.identity.name} to #${roomName}`)
      } else {
        await r.removeMember(someone.id)
        app.messages.addSystem(`removed ${app.directory.nameOf(someone.id)} from #${roomName}: new key epoch ${r.epoch}`)
      }
      return
    }
    default: throw new CommandError(`unknown /room ${sub}: use create, join, add or remove`)
  }
}

/** Where the pane is, as the chat's history and search options name a conversation. */
function conversationOf (app: ChatApp): Pick<ChatHistoryOptions, 'room' | 'peer'> {
  const t = app.target
  return t.kind === 'room' ? { room: t.name } : t.kind === 'dm' ? { peer: t.id } : {}
}

/** One message as a system line: time, where (room or private), sender, text. */
function lineOf (app: ChatApp, m: ChatMessage, text = m.text): string {
  const other = m.senderId === app.selfId ? m.to : m.senderId
  const where = m.room !== undefined ? `#${m.room} ` : m.private === true && other !== undefined ? `@${app.directory.nameOf(other)} ` : ''
  return `${new Date(m.timestamp).toTimeString().slice(0, 5)} ${where}${m.sender}: ${text}`
}

async function history (app: ChatApp, n: number): Promise<void> {
  // one page from the newest back, through the time index: the cost does not grow with the log
  const page: ChatMessage[] = []
  for await (const m of app.chat.history({ ...conversationOf(app), limit: n, reverse: true })) page.push(m)
  page.reverse()
  app.messages.addSystem(page.length === 0 ? `nothing stored in ${app.targetName()} yet` : `last ${page.length} stored in ${app.targetName()}:`)
  for (const m of page) app.messages.addSystem(lineOf(app, m))
}

/** The text with each matched word in [brackets], as the terminal's highlight. */
function highlighted (hit: SearchHit): string {
  let out = ''
  let at = 0
  for (const { start, end } of hit.matches) {
    out += `${hit.message.text.slice(at, start)}[${hit.message.text.slice(start, end)}]`
    at = end
  }
  return out + hit.message.text.slice(at)
}

async function search (app: ChatApp, query: string): Promise<void> {
  const hits = await app.chat.search(query, { limit: 10 })
  app.messages.addSystem(hits.length === 0 ? `no message matches "${query}"` : `${hits.length} best for "${query}":`)
  for (const hit of hits) app.messages.addSystem(lineOf(app, hit.message, highlighted(hit)))
}
