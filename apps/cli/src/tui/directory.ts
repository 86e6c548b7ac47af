import { identityFromJSON } from '@pipes/identity'
import type { Identity } from '@pipes/platform'

/** A user named on a slash command: their id, and their identity when it is known (rooms need it). */
export interface Someone { id: string, identity?: Identity }

/** A mistake in a slash command, shown as one line. */
export class CommandError extends Error {}

/**
 * The users this chat has seen (every verified sender of the main channel,
 * the rooms and the introductions), so slash commands can name them: by
 * name, `@name`, id, or a pasted `pipes whoami` identity.
 */
export class Directory {
  readonly #byId = new Map<string, Identity>()

  /** Records a verified sender. */
  add (identity: Identity): void {
    this.#byId.set(identity.id, identity)
  }

  /** The name of `id`, or a short id when unknown. */
  nameOf (id: string): string {
    return this.#byId.get(id)?.name ?? `${id.slice(0, 8)}…${id.slice(-4)}`
  }

  /** Everyone seen, by name. */
  names (): string[] {
    return [...this.#byId.values()].map(i => i.name).sort()
  }

  /** Resolves `who`: a name seen here, an id, or identity JSON. */
  async resolve (who: string, selfId: string): Promise<Someone> {
    const text = who.trim()
    if (text.startsWith('{')) {
      try {
        const identity = await identityFromJSON(text)
        this.add(identity)
        return { id: identity.id, identity }
      } catch (err) {
        throw new CommandError(`that identity does not check (${(err as Error).message}): paste the "identity" line of their pipes whoami`)
      }
    }
    const name = text.replace(/^@/, '')
    const known = this.#byId.get(name)
    if (known !== undefined) return { id: known.id, identity: known }
    if (/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/.test(name)) return { id: name }
    const matches = [...this.#byId.values()].filter(i => i.name === name && i.id !== selfId)
    if (matches.length === 1) { const m = matches[0] as Identity; return { id: m.id, identity: m } }
    if (matches.length > 1) throw new CommandError(`${matches.length} users are called "${name}": use an id (${matches.map(m => m.id.slice(0, 12)).join(', ')}…)`)
    throw new CommandError(`nobody called "${name}" has written here yet: use their id, or paste the "identity" line of their pipes whoami`)
  }
}
