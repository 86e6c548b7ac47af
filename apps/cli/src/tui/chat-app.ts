/**
 * `pipes chat`: the full-screen chat over one connected `Chat`. Keys come
 * from node:readline's keypress parser on a raw-mode stdin; the screen is
 * drawn by screen.ts. The app ends on /quit, Ctrl-C, Ctrl-D on an empty
 * line, SIGTERM or SIGHUP; then the chat is closed (the directory lock
 * released) before `run()` resolves.
 */
import { emitKeypressEvents } from 'node:readline'
import { decodeMessage } from '@pipes/chat'
import type { Chat, ChatMessage, Room } from '@pipes/chat'
import { PipesError } from '@pipes/interface'
import type { Packet, Pipeline } from '@pipes/platform'
import { relayAddresses } from '../cli/reachability.js'
import { Directory } from './directory.js'
import { LineEditor } from './line-editor.js'
import { MessageList } from './message-list.js'
import { RoomBook } from './room-book.js'
import { Screen } from './screen.js'
import { runSlashCommand } from './slash-commands.js'
import type { View } from './screen.js'

/** Where typed text goes: the main channel, a room, or one user. */
export type Target = { kind: 'general' } | { kind: 'room', name: string } | { kind: 'dm', id: string }

export interface ChatAppInit {
  chat: Chat
  dir: string
  network: string
  input: NodeJS.ReadStream
  output: NodeJS.WriteStream
  colour: boolean
}

interface Key { name?: string, ctrl?: boolean, meta?: boolean, sequence?: string }

const HISTORY_SHOWN = 200
/** After this long with no relay, the notice line says so (the chat goes on offline). */
const OFFLINE_NOTICE_MS = 10_000

export class ChatApp {
  readonly chat: Chat
  readonly directory = new Directory()
  readonly messages = new MessageList()
  readonly rooms: RoomBook
  readonly editor = new LineEditor()
  readonly #init: ChatAppInit
  readonly #screen: Screen
  target: Target = { kind: 'general' }
  #notice: View['notice'] = undefined
  #scroll = 0
  #ended: (() => void) | undefined
  #timer: ReturnType<typeof setInterval> | undefined
  #startedAt = Date.now()
  #catchUp: { base: number, received: number, peersBefore: number, caught: number | undefined } = { base: 0, received: 0, peersBefore: 0, caught: undefined }
  #status = ''

  constructor (init: ChatAppInit) {
    this.#init = init
    this.chat = init.chat
    this.rooms = new RoomBook(init.dir, init.network)
    this.#screen = new Screen(init.output, init.colour)
  }

  get selfId (): string { return this.chat.identity?.id ?? '' }

  /** Runs until the chat ends; the chat is closed when it resolves. */
  async run (): Promise<void> {
    const ended = new Promise<void>(resolve => { this.#ended = resolve })
    this.#listen()
    this.#screen.start(() => this.#view())
    const input = this.#init.input
    emitKeypressEvents(input)
    input.setRawMode(true)
    input.on('keypress', this.#onKey)
    input.resume()
    process.on('SIGTERM', this.end)
    process.on('SIGHUP', this.end)
    process.on('SIGINT', this.end)
    this.#timer = setInterval(() => { this.#tick() }, 250)
    try {
      await this.#loadHistory()
      this.messages.addSystem('type a message and Enter; /help for commands, /quit to leave')
      this.#screen.draw()
      await ended
    } finally {
      clearInterval(this.#timer)
      process.off('SIGTERM', this.end)
      process.off('SIGHUP', this.end)
      process.off('SIGINT', this.end)
      input.off('keypress', this.#onKey)
      input.setRawMode(false)
      input.pause()
      this.#screen.stop()
      await this.chat.close()
    }
  }

  /** Ends the chat (once). */
  readonly end = (): void => {
    const done = this.#ended
    this.#ended = undefined
    done?.()
  }

  /** Shows one line in the notice row (red for errors). */
  notify (text: string, error = false): void {
    this.#notice = { text, error }
    this.#screen.draw()
  }

  /** Redraws soon. */
  draw (): void { this.#screen.draw() }

  /** How a message's place reads in the pane. */
  whereOf (m: ChatMessage): string {
    if (m.room !== undefined) return `#${m.room}`
    if (m.private === true) return `@${m.senderId === this.selfId ? this.directory.nameOf(m.to ?? '') : m.sender}`
    return ''
  }

  /** The pipeline whose receipts tell when our message `m` is held by a peer (none known for private messages). */
  pipelineOf (m: ChatMessage): Pipeline | undefined {
    if (m.private === true) return undefined
    if (m.room !== undefined) return this.chat.room(m.room)?.pipeline
    return this.chat.pipeline
  }

  /** Adds a message to the pane. */
  show (m: ChatMessage): void {
    const own = m.senderId === this.selfId
    if (this.messages.addMessage(m, this.whereOf(m), own, own ? this.pipelineOf(m) : undefined)) {
      if (this.#scroll > 0) this.#scroll++
      this.#screen.draw()
    }
  }

  /** Learns senders of a pipeline (for naming users in commands), stored ones included. */
  watchSenders (pipeline: Pipeline | undefined): void {
    if (pipeline === undefined) return
    void pipeline.addPacketListener((p: Packet) => { this.directory.add(p.sender) }, { replay: true }).catch(() => {})
  }

  /** Opens a room and starts showing its messages. */
  adoptRoom (room: Room): void {
    this.watchSenders(room.pipeline)
  }

  #listen (): void {
    this.chat.setListener(m => { this.show(m) })
    this.watchSenders(this.chat.pipeline)
    this.watchSenders(this.chat.node?.pipelineNamed(`${this.chat.pipeline?.name ?? 'CHAT'}.intro`))
    this.chat.addEventListener('peer:joined', () => { this.#screen.draw() })
    this.chat.addEventListener('peer:left', () => { this.#screen.draw() })
  }

  async #loadHistory (): Promise<void> {
    const saved = await this.rooms.load()
    for (const r of saved) {
      try {
        const room = 'created' in r ? await this.chat.createRoom(r.name, { members: [] }) : await this.chat.joinRoom(r.name, { owner: r.owner })
        this.adoptRoom(room)
      } catch (err) {
        this.notify(`room #${r.name} could not be reopened: ${oneLine(err)}`, true)
      }
    }
    const stored: ChatMessage[] = []
    const read = async (pipeline: Pipeline | undefined, marks: { room: string } | Record<string, never>): Promise<void> => {
      if (pipeline === undefined) return
      for await (const p of pipeline.history()) {
        const m = decodeMessage(p, marks)
        if (m !== undefined) stored.push(m)
      }
    }
    await read(this.chat.pipeline, {})
    for (const room of this.chat.rooms()) await read(room.pipeline, { room: room.name })
    stored.sort((a, b) => a.timestamp - b.timestamp)
    for (const m of stored.slice(-HISTORY_SHOWN)) this.show(m)
  }

  readonly #onKey = (text: string | undefined, key: Key | undefined): void => {
    const name = key?.name
    if (key?.ctrl === true && name === 'c') { this.end(); return }
    if (key?.ctrl === true && name === 'd') { if (this.editor.text === '') this.end(); else this.editor.delete(); this.#screen.draw(); return }
    switch (name) {
      case 'return': case 'enter': this.#enter(); break
      case 'backspace': this.editor.backspace(); break
      case 'delete': this.editor.delete(); break
      case 'left': this.editor.left(); break
      case 'right': this.editor.right(); break
      case 'home': this.editor.home(); break
      case 'end': this.editor.end(); break
      case 'up': this.editor.older(); break
      case 'down': this.editor.newer(); break
      case 'pageup': this.#scroll += Math.max(1, this.#screen.paneRows - 1); break
      case 'pagedown': this.#scroll = Math.max(0, this.#scroll - Math.max(1, this.#screen.paneRows - 1)); break
      default:
        if (key?.ctrl === true && name === 'a') this.editor.home()
        else if (key?.ctrl === true && name === 'e') this.editor.end()
        else if (key?.ctrl === true && name === 'u') this.editor.clear()
        else if (key?.ctrl !== true && key?.meta !== true && text !== undefined) this.editor.insert(text)
    }
    this.#screen.draw()
  }

  #enter (): void {
    const line = this.editor.take()
    if (line.trim() === '') return
    this.#notice = undefined
    this.#scroll = 0
    const work = line.startsWith('/') ? runSlashCommand(this, line) : this.send(line)
    work.catch((err: unknown) => { this.notify(oneLine(err), true) })
  }

  /** Sends `text` to the current target. */
  async send (text: string): Promise<void> {
    const t = this.target
    let sent: ChatMessage
    if (t.kind === 'general') sent = await this.chat.sendMessage(text)
    else if (t.kind === 'dm') sent = await this.chat.sendPrivateMessage(t.id, text)
    else {
      const room = this.chat.room(t.name)
      if (room === undefined) throw new Error(`room #${t.name} is not open: /room join it first`)
      sent = await room.sendMessage(text)
    }
    this.show(sent)
  }

  /** How the prompt names the target. */
  targetName (t: Target = this.target): string {
    if (t.kind === 'general') return 'general'
    if (t.kind === 'room') return `#${t.name}`
    return `@${this.directory.nameOf(t.id)}`
  }

  #tick (): void {
    const changed = this.messages.refreshDelivery()
    const status = this.#statusText()
    if (changed || status !== this.#status) {
      this.#status = status
      this.#screen.draw()
    }
    if (this.chat.node !== undefined && this.chat.peers().length === 0 && Date.now() - this.#startedAt > OFFLINE_NOTICE_MS && this.#notice === undefined) {
      const relays = this.chat.node.network.bootstrap ?? []
      this.notify(relays.length === 0
        ? `network ${this.#init.network} has no relay: nobody can reach you here ("pipes join <invite>" to use one)`
        : `no relay answers at ${relayAddresses(this.chat)}: messages are kept and go out once it does`, true)
    }
  }

  #statusText (): string {
    if (this.chat.node === undefined) return ' pipes | closing'
    const peers = this.chat.peers().length
    const stats = this.chat.networkStats().pipeline.sync
    const c = this.#catchUp
    if (peers > 0 && c.peersBefore === 0) { c.base = stats.sessions; c.received = stats.entriesReceived; c.caught = undefined }
    c.peersBefore = peers
    let sync: string
    if (peers === 0) sync = 'offline, waiting for the relay'
    else {
      // the first sync sessions after (re)connecting bring what was missed; later ones are the periodic ones
      const done = stats.sessions - c.base
      const got = stats.entriesReceived - c.received
      if (done > 0) {
        c.caught ??= got
        sync = c.caught > 0 ? `up to date (${c.caught} caught up)` : 'up to date'
      }
      else {
        const filled = Math.min(5, stats.running + Math.ceil(got / 10))
        sync = `catching up [${'#'.repeat(filled)}${'-'.repeat(6 - filled)}] ${got} received`
      }
    }
    const name = this.chat.identity?.name ?? ''
    return ` pipes | ${name} | network ${this.#init.network} | ${peers} peer${peers === 1 ? '' : 's'} | ${this.messages.pending()} pending | ${sync}`
  }

  #view (): View {
    return {
      status: this.#statusText(),
      messages: this.messages.render(),
      scroll: this.#scroll,
      notice: this.#notice,
      prompt: `${this.targetName()}> `,
      editor: this.editor
    }
  }
}

/** One line for any failure: a Pipes error's message, else the error's first line. */
export function oneLine (err: unknown): string {
  const text = err instanceof PipesError || err instanceof Error ? err.message : String(err)
  return text.split('\n').map(s => s.trim()).filter(s => s !== '').join(' ')
}
