/**
 * The rooms this profile opened, kept in localStorage so a reload reopens
 * them (their keys and messages are in the node's IndexedDB store; this is
 * only the list of names and owners).
 */
export interface SavedRoom {
  name: string
  /** The owner's id for a joined room; absent for a room this user created. */
  owner?: string
}

export class RoomBook {
  readonly #key: string
  constructor (profile: string) { this.#key = `pipes:${profile}:rooms` }

  load (): SavedRoom[] {
    try {
      const parsed = JSON.parse(localStorage.getItem(this.#key) ?? '[]') as unknown
      return Array.isArray(parsed) ? parsed.filter((r): r is SavedRoom => typeof (r as SavedRoom)?.name === 'string') : []
    } catch {
      return []
    }
  }

  add (room: SavedRoom): void {
    const rooms = this.load().filter(r => r.name !== room.name)
    rooms.push(room)
    localStorage.setItem(this.#key, JSON.stringify(rooms))
  }
}
