/**
 * Search over every conversation this device holds (`chat.search`): the
 * results best first, the matched words highlighted with <mark>; picking
 * one opens its conversation.
 */
import { useState } from 'preact/hooks'
import { describeError } from './errors.js'
import type { ChatSession, Conversation } from './chat-session.js'
import type { SearchHit } from '@pipes/chat'

/** `text` with the matched ranges in <mark>. */
function Highlighted ({ text, matches }: { text: string, matches: SearchHit['matches'] }) {
  const parts = []
  let at = 0
  for (const [i, m] of matches.entries()) {
    if (m.start < at) continue
    parts.push(text.slice(at, m.start))
    parts.push(<mark key={i}>{text.slice(m.start, m.end)}</mark>)
    at = m.end
  }
  parts.push(text.slice(at))
  return <span class="text">{parts}</span>
}

export function Search ({ session, onOpen }: { session: ChatSession, onOpen: (c: Conversation) => void }) {
  const [query, setQuery] = useState('')
  const [hits, setHits] = useState<SearchHit[] | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const where = (h: SearchHit): string => h.message.room !== undefined ? `#${h.message.room}` : h.message.private === true ? '@private' : 'General'
  return (
    <section class="search" aria-label="Search">
      <form role="search" onSubmit={e => {
        e.preventDefault()
        setError(undefined)
        session.chat.search(query.trim(), { limit: 20 }).then(setHits, err => { setError(describeError(err)); setHits(undefined) })
      }}>
        <label for="search" class="sr-only">Search messages</label>
        <input id="search" type="search" value={query} placeholder="Search messages" onInput={e => { setQuery(e.currentTarget.value) }} required />
        <button type="submit">Search</button>
      </form>
      {error !== undefined && <p role="alert" class="error">{error}</p>}
      {hits !== undefined && (
        <ol class="results" aria-label="Search results">
          {hits.length === 0 && <li class="hint">Nothing found.</li>}
          {hits.map(h => (
            <li key={h.message.id} class="result">
              <button type="button" onClick={() => { onOpen(session.conversationOf(h.message)); setHits(undefined) }}>
                <span class="where">{where(h)}</span> <span class="sender">{h.message.sender}</span>: <Highlighted text={h.message.text} matches={h.matches} />
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
