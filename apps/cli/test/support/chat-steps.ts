/** Steps a person takes in `pipes chat`, shared by the terminal tests. */
import type { PipesTerminal } from './terminal.js'

/** Waits until every chat is connected and caught up. */
export async function allOnline (...chats: PipesTerminal[]): Promise<void> {
  for (const c of chats) await c.waitForScreen(/[12] peers? .*up to date/)
}

/** `from` (called `name`) types `text`; resolves with the ms until `to` shows it. */
export async function timedMessage (from: PipesTerminal, name: string, to: PipesTerminal, text: string): Promise<number> {
  const started = Date.now()
  from.line(text)
  await to.waitForScreen(`${name}: ${text}`)
  return Date.now() - started
}

/** `owner` creates room `room` for `memberName`, who joins it by `ownerName`. */
export async function openRoom (owner: PipesTerminal, ownerName: string, member: PipesTerminal, memberName: string, room: string): Promise<void> {
  owner.line(`/room create ${room} ${memberName}`)
  await owner.waitForScreen(`created #${room}`)
  member.line(`/room join ${room} ${ownerName}`)
  await member.waitForScreen(`joined #${room}`)
}
