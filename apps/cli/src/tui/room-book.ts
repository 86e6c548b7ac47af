import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@pipes/identity/node'

/** A room this user opened: one it created, or one it joined by its owner's id. */
export type SavedRoom = { name: string, created: true } | { name: string, owner: string }

/** The rooms `pipes chat` reopens on start, kept in `<dir>/rooms.json` (passphrases are never written down). */
export class RoomBook {
  readonly #file: string
  #rooms: SavedRoom[] = []

  constructor (dir: string, network: string) {
    this.#file = join(dir, `rooms.${network}.json`)
  }

  async load (): Promise<SavedRoom[]> {
    try {
      const parsed = JSON.parse(await readFile(this.#file, 'utf8')) as { rooms?: unknown }
      if (Array.isArray(parsed.rooms)) {
        this.#rooms = parsed.rooms.filter((r): r is SavedRoom => r !== null && typeof r === 'object' && typeof (r as SavedRoom).name === 'string')
      }
    } catch {
      this.#rooms = []
    }
    return [...this.#rooms]
  }

  async save (room: SavedRoom): Promise<void> {
    this.#rooms = [...this.#rooms.filter(r => r.name !== room.name), room]
    await this.#write()
  }

  async forget (name: string): Promise<void> {
    this.#rooms = this.#rooms.filter(r => r.name !== name)
    await this.#write()
  }

  async #write (): Promise<void> {
    await writeFileAtomic(this.#file, JSON.stringify({ version: 1, rooms: this.#rooms }, null, 2) + '\n')
  }
}
