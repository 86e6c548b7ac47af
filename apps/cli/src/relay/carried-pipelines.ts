/**
 * Which pipelines the relay's archive carries. A node stores and forwards
 * only pipelines it has created, so the relay creates one for every topic a
 * peer subscribes to on its network (gossipsub tells every neighbour its
 * subscriptions), with the kind the chat gives that name: `<base>.room.<name>`
 * is an encrypted room, carried relay-only (ciphertext, no key); every other
 * name is a persistent pipeline. The mailbox of private messages is carried
 * by every node already. The names are saved, so after a restart the relay
 * serves the same pipelines before any peer is back.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@pipes/identity/node'
import type { CreatePipelineOptions, PipesNode } from '@pipes/pipeline'

const ROOM = /\.room\./
const RESERVED = 'pipes:'

/** The options the relay creates pipeline `name` with. */
export function carriedOptions (name: string): CreatePipelineOptions {
  return ROOM.test(name) ? { name, encrypted: { relayOnly: true } } : { name, persistent: true }
}

/** The pipelines an archive carries, kept in `<dir>/carried.json`. */
export class CarriedPipelines {
  readonly #file: string
  readonly #node: PipesNode
  readonly #max: number
  readonly #names = new Set<string>()
  #refused = 0
  #saving: Promise<void> = Promise.resolve()

  constructor (dir: string, node: PipesNode, max: number) {
    this.#file = join(dir, 'carried.json')
    this.#node = node
    this.#max = max
  }

  /** Creates the pipelines saved by an earlier run. */
  async load (): Promise<void> {
    let names: unknown
    try {
      names = (JSON.parse(await readFile(this.#file, 'utf8')) as { pipelines?: unknown }).pipelines
    } catch {
      return
    }
    if (!Array.isArray(names)) return
    for (const name of names) if (typeof name === 'string') this.carry(name, false)
  }

  /** Starts carrying `name` (a no-op when carried already, reserved, invalid or over the limit). */
  carry (name: string, save = true): void {
    if (this.#names.has(name) || name.startsWith(RESERVED)) return
    if (this.#names.size >= this.#max) { this.#refused++; return }
    try {
      this.#node.createPipeline(carriedOptions(name))
    } catch {
      // a name the pipeline layer refuses (bad characters, or open as another kind) is not carried
      this.#refused++
      return
    }
    this.#names.add(name)
    if (save) this.#save()
  }

  /** How many pipelines are carried, and how many were refused (over `maxPipelines` or invalid). */
  counts (): { carried: number, refused: number } {
    return { carried: this.#names.size, refused: this.#refused }
  }

  #save (): void {
    const text = JSON.stringify({ version: 1, pipelines: [...this.#names] }, null, 2) + '\n'
    this.#saving = this.#saving.then(async () => { await writeFileAtomic(this.#file, text) }).catch(() => {})
  }

  /** Resolves once the last change is on disk. */
  async flush (): Promise<void> {
    await this.#saving
  }
}
