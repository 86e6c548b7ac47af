/**
 * The message list of one conversation: the newest page first, older pages
 * as one scrolls back (or presses "Show older"), so a long history is not
 * all drawn at once. Own messages carry their mark: pending, then delivered.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { ChatSession, ShownMessage } from './chat-session.js'

const PAGE = 50

const MARKS: Record<NonNullable<ShownMessage['mark']>, string> = { pending: 'pending', delivered: '✓ delivered', stored: '✓ stored' }

export function MessageList ({ session, messages, labelledBy }: { session: ChatSession, messages: ShownMessage[], labelledBy: string }) {
  const [shown, setShown] = useState(PAGE)
  const list = useRef<HTMLDivElement>(null)
  const keep = useRef<number | undefined>(undefined)
  const atBottom = useRef(true)
  const visible = messages.slice(-shown)
  const older = messages.length - visible.length

  const showOlder = (): void => {
    if (older <= 0) return
    keep.current = (list.current?.scrollHeight ?? 0) - (list.current?.scrollTop ?? 0)
    setShown(n => n + PAGE)
  }

  useLayoutEffect(() => {
    const el = list.current
    if (el === null) return
    if (keep.current !== undefined) { el.scrollTop = el.scrollHeight - keep.current; keep.current = undefined }
    else if (atBottom.current) el.scrollTop = el.scrollHeight
  })

  return (
    <div ref={list} class="messages" role="log" aria-live="polite" aria-labelledby={labelledBy} tabIndex={0}
      onScroll={e => {
        const el = e.currentTarget
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40
        if (el.scrollTop < 20) showOlder()
      }}>
      <ol>
      {older > 0 && <li class="older"><button type="button" onClick={showOlder}>Show older ({older})</button></li>}
      {visible.map(s => (
        <li key={s.message.id} class={s.own ? 'message own' : 'message'} data-mark={s.mark}>
          <span class="sender">{s.own ? 'you' : s.message.sender}</span>
          <time dateTime={new Date(s.message.timestamp).toISOString()}>{new Date(s.message.timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
          <span class="text">{s.message.text}</span>
          {s.mark !== undefined && <span class="mark" aria-label={s.mark}>{MARKS[s.mark]}</span>}
        </li>
      ))}
      {messages.length === 0 && <li class="hint">No messages yet{session.selfName === '' ? '' : `, ${session.selfName}`}.</li>}
      </ol>
    </div>
  )
}
