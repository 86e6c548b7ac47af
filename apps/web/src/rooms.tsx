/**
 * Rooms in the page: create one (with people seen), join one by its owner,
 * and, in a room this user created, add and remove members.
 */
import { useState } from 'preact/hooks'
import { describeError } from './errors.js'
import type { ChatSession } from './chat-session.js'

function useAction (): [string | undefined, (fn: () => Promise<void>) => void] {
  const [error, setError] = useState<string | undefined>(undefined)
  const run = (fn: () => Promise<void>): void => {
    setError(undefined)
    fn().catch(err => { setError(describeError(err)) })
  }
  return [error, run]
}

export function RoomForms ({ session, onOpened }: { session: ChatSession, onOpened: (name: string) => void }) {
  const [name, setName] = useState('')
  const [members, setMembers] = useState<string[]>([])
  const [joinName, setJoinName] = useState('')
  const [owner, setOwner] = useState('')
  const [error, run] = useAction()
  const people = [...session.people.values()]
  return (
    <section aria-labelledby="rooms-title">
      <h2 id="rooms-title">Rooms</h2>
      <form onSubmit={e => {
        e.preventDefault()
        run(async () => { await session.createRoom(name.trim(), members); onOpened(name.trim()); setName(''); setMembers([]) })
      }}>
        <label for="room-name">New room name</label>
        <input id="room-name" value={name} onInput={e => { setName(e.currentTarget.value) }} required />
        <fieldset>
          <legend>Members</legend>
          {people.length === 0 && <p class="hint">People appear here once they write.</p>}
          {people.map(p => (
            <label key={p.id} class="check">
              <input type="checkbox" checked={members.includes(p.id)}
                onChange={e => { setMembers(m => e.currentTarget.checked ? [...m, p.id] : m.filter(id => id !== p.id)) }} />
              {p.name}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create room</button>
      </form>
      <form onSubmit={e => {
        e.preventDefault()
        run(async () => { await session.joinRoom(joinName.trim(), owner); onOpened(joinName.trim()); setJoinName('') })
      }}>
        <label for="join-name">Join room</label>
        <input id="join-name" value={joinName} onInput={e => { setJoinName(e.currentTarget.value) }} required />
        <label for="join-owner">Owner</label>
        <select id="join-owner" value={owner} onChange={e => { setOwner(e.currentTarget.value) }} required>
          <option value="">choose…</option>
          {people.map(p => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
        <button type="submit">Join room</button>
      </form>
      {error !== undefined && <p role="alert" class="error">{error}</p>}
    </section>
  )
}

export function RoomPanel ({ session, room }: { session: ChatSession, room: string }) {
  const [adding, setAdding] = useState('')
  const [error, run] = useAction()
  const open = session.chat.room(room)
  if (open === undefined) return null
  const members = open.members()
  const owns = session.ownsRoom(room)
  const others = [...session.people.values()].filter(p => !members.some(m => m.id === p.id))
  return (
    <section class="room-panel" aria-label={`Members of #${room}`}>
      <ul class="members">
        {members.map(m => (
          <li key={m.id}>
            {m.id === session.selfId ? `${m.name} (you)` : m.name}
            {owns && m.id !== session.selfId && (
              <button type="button" aria-label={`Remove ${m.name} from #${room}`} onClick={() => { run(async () => { await session.removeMember(room, m.id) }) }}>Remove</button>
            )}
          </li>
        ))}
      </ul>
      {owns && others.length > 0 && (
        <form onSubmit={e => { e.preventDefault(); run(async () => { await session.addMember(room, adding); setAdding('') }) }}>
          <label for="add-member">Add member</label>
          <select id="add-member" value={adding} onChange={e => { setAdding(e.currentTarget.value) }} required>
            <option value="">choose…</option>
            {others.map(p => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
          <button type="submit">Add</button>
        </form>
      )}
      {error !== undefined && <p role="alert" class="error">{error}</p>}
    </section>
  )
}
