/**
 * The page: set-up, then the chat (conversations, message list, composer,
 * room members). Everything goes through one ChatSession; this file only
 * draws it and passes on what the user does.
 */
import { useEffect, useMemo, useState } from 'preact/hooks'
import { ChatSession, conversationKey } from './chat-session.js'
import { describeError } from './errors.js'
import { MessageList } from './message-list.js'
import { RoomPanel, RoomForms } from './rooms.js'
import { Search } from './search.js'
import type { Conversation, NetworkState } from './chat-session.js'
import type { WebConfig } from './config.js'

type Phase = { kind: 'loading' } | { kind: 'setup' } | { kind: 'ready' } | { kind: 'failed', error: string }

export function App ({ config }: { config: WebConfig }) {
  const session = useMemo(() => new ChatSession(config), [config])
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' })
  const [, setVersion] = useState(0)

  useEffect(() => {
    session.onChange(() => { setVersion(v => v + 1) })
    const start = async (): Promise<void> => {
      if (!await session.configured()) { setPhase({ kind: 'setup' }); return }
      await session.start()
      setPhase({ kind: 'ready' })
    }
    start().catch(err => { setPhase({ kind: 'failed', error: describeError(err) }) })
    const close = (): void => { void session.close().catch(() => {}) }
    window.addEventListener('pagehide', close)
    return () => { window.removeEventListener('pagehide', close); close() }
  }, [session])

  if (phase.kind === 'loading') return <p role="status">Opening your chat…</p>
  if (phase.kind === 'failed') return <main class="center"><h1>Pipes</h1><p role="alert" class="error">{phase.error}</p></main>
  if (phase.kind === 'setup') {
    return <Setup onDone={async name => {
      await session.setup(name)
      await session.start()
      setPhase({ kind: 'ready' })
    }} />
  }
  return <ChatView session={session} />
}

function Setup ({ onDone }: { onDone: (name: string) => Promise<void> }) {
  const [name, setName] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  return (
    <main class="center">
      <h1>Pipes</h1>
      <form onSubmit={e => {
        e.preventDefault()
        setBusy(true)
        onDone(name.trim()).catch(err => { setError(describeError(err)); setBusy(false) })
      }}>
        <label for="setup-name">Your name</label>
        <input id="setup-name" value={name} onInput={e => { setName(e.currentTarget.value) }} autoFocus required maxLength={64} autoComplete="nickname" />
        <button type="submit" disabled={busy}>Start</button>
        {error !== undefined && <p role="alert" class="error">{error}</p>}
      </form>
      <p class="hint">Your identity and messages stay in this browser (IndexedDB).</p>
    </main>
  )
}

function stateText (s: NetworkState): string {
  if (s.kind === 'offline') return 'offline: messages are kept and go out when the relay is back'
  if (s.kind === 'catching-up') return `catching up… ${s.received} received`
  return s.caughtUp > 0 ? `online, up to date (${s.caughtUp} caught up)` : 'online, up to date'
}

function titleOf (session: ChatSession, c: Conversation): string {
  return c.kind === 'general' ? 'General' : c.kind === 'room' ? `#${c.name}` : `@${session.nameOf(c.id)}`
}

function ChatView ({ session }: { session: ChatSession }) {
  const [target, setTarget] = useState<Conversation>({ kind: 'general' })
  const [text, setText] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const [menu, setMenu] = useState(false)
  const state = session.state()
  const conversations: Conversation[] = [
    { kind: 'general' },
    ...session.rooms().map(r => ({ kind: 'room' as const, name: r.name })),
    ...session.privatePeers().map(id => ({ kind: 'dm' as const, id }))
  ]
  const people = [...session.people.values()]

  const send = async (): Promise<void> => {
    const body = text.trim()
    if (body === '') return
    setError(undefined)
    try {
      await session.send(target, body)
      setText('')
    } catch (err) {
      setError(describeError(err))
    }
  }

  return (
    <div class="layout">
      <header class="top">
        <button type="button" class="menu" aria-expanded={menu} aria-controls="sidebar" onClick={() => { setMenu(!menu) }}>Conversations</button>
        <h1>Pipes</h1>
        <span class="me">{session.selfName}</span>
        <span role="status" aria-live="polite" class={`state ${state.kind}`} data-state={state.kind}>
          {stateText(state)}{session.pending() > 0 ? ` · ${session.pending()} pending` : ''}
        </span>
      </header>
      <nav id="sidebar" class={menu ? 'side open' : 'side'} aria-label="Conversations">
        <ul>
          {conversations.map(c => (
            <li key={conversationKey(c)}>
              <button type="button" aria-current={conversationKey(c) === conversationKey(target) ? 'true' : undefined}
                onClick={() => { setTarget(c); setMenu(false) }}>{titleOf(session, c)}</button>
            </li>
          ))}
        </ul>
        <h2>People</h2>
        {people.length === 0 ? <p class="hint">Nobody has written yet.</p> : (
          <ul aria-label="People">
            {people.map(p => (
              <li key={p.id}><button type="button" aria-label={`Message ${p.name} privately`} onClick={() => { setTarget({ kind: 'dm', id: p.id }); setMenu(false) }}>@{p.name}</button></li>
            ))}
          </ul>
        )}
        <RoomForms session={session} onOpened={name => { setTarget({ kind: 'room', name }); setMenu(false) }} />
      </nav>
      <main class="main">
        <Search session={session} onOpen={c => { setTarget(c) }} />
        <h2 id="conversation-title">{titleOf(session, target)}</h2>
        {target.kind === 'room' && <RoomPanel session={session} room={target.name} />}
        <MessageList key={conversationKey(target)} session={session} messages={session.messages(target)} labelledBy="conversation-title" />
        <form class="composer" onSubmit={e => { e.preventDefault(); void send() }}>
          <label for="composer" class="sr-only">Message</label>
          <input id="composer" value={text} placeholder={`Message ${titleOf(session, target)}`} autoComplete="off"
            onInput={e => { setText(e.currentTarget.value) }} maxLength={16000} />
          <button type="submit">Send</button>
        </form>
        {error !== undefined && <p role="alert" class="error">{error}</p>}
      </main>
    </div>
  )
}
