/**
 * Opening what a command needs: the platform API on the data directory (its
 * lock), the identity (asking for its passphrase when it is sealed) and the
 * network a command runs on.
 */
import { Chat } from '@pipes/chat'
import type { PlatformAPI } from '@pipes/platform'
import type { LocalIdentity, PlatformAPIOptions } from '@pipes/platform'
import { PipesError } from '@pipes/interface'
import { CliError, noIdentityError, usageError } from './cli-error.js'
import { EXIT } from './exit-codes.js'
import { loadSettings } from './home.js'
import { promptHidden } from './passphrase.js'

/** What every command gets: where the data lives, and the environment. */
export interface CommandContext {
  dir: string
  env: NodeJS.ProcessEnv
  /** Normal output (results). */
  out: (line: string) => void
}

/** Transport timings of CLI nodes: a lost relay is redialed within 5 s at most, so a restarted relay is found again soon. */
export const CLI_TRANSPORT: PlatformAPIOptions['transport'] = { redial: { baseDelayMs: 250, maxDelayMs: 5000 } }

/**
 * How often a CLI node syncs with each peer. Delivery receipts (a message
 * turning from pending to delivered) come with sync sessions, so a person
 * waits about this long to see one; a session with nothing new is a few
 * hundred bytes.
 */
export const CLI_SYNC_INTERVAL_MS = 2000

/** Platform options from the environment: `PIPES_PASSPHRASE` opens a sealed identity without asking. */
export function platformOptions (env: NodeJS.ProcessEnv): PlatformAPIOptions {
  const passphrase = env.PIPES_PASSPHRASE
  return { transport: CLI_TRANSPORT, syncIntervalMs: CLI_SYNC_INTERVAL_MS, ...(passphrase !== undefined && passphrase !== '' ? { passphrase } : {}) }
}

/** The local identity; a sealed key file without `PIPES_PASSPHRASE` asks for its passphrase on the terminal. */
export async function unlockIdentity (api: PlatformAPI): Promise<LocalIdentity> {
  try {
    return await api.localIdentity()
  } catch (err) {
    // without a terminal to ask on, the error says to set PIPES_PASSPHRASE
    if (!(err instanceof PipesError) || err.code !== 'ERR_PASSPHRASE_REQUIRED' || process.stdin.isTTY !== true) throw err
  }
  const passphrase = await promptHidden('Passphrase: ')
  return await api.localIdentity({ passphrase })
}

/** The network a command runs on: `--network`, else the one `pipes join` chose. */
export async function chosenNetwork (ctx: CommandContext, flag: string | undefined): Promise<string> {
  if (flag !== undefined) return flag
  const settings = await loadSettings(ctx.dir)
  if (settings.network !== undefined) return settings.network
  throw new CliError('ERR_CLI_NO_NETWORK', `no network chosen in ${ctx.dir}: run "pipes join <invite>" (or pass --network local to stay on this machine)`, EXIT.usage)
}

/** A chat of the local user on `network`, connected (its relay may still be on its way). */
export async function openChat (ctx: CommandContext, network: string): Promise<Chat> {
  const chat = new Chat(ctx.dir, { platform: platformOptions(ctx.env) })
  try {
    if (!await chat.isUserConfigured()) throw noIdentityError(ctx.dir)
    await unlockIdentity(chat.api)
    await chat.connectToNetwork(network)
    return chat
  } catch (err) {
    await chat.close().catch(() => {})
    throw err
  }
}

/** Text with a leading `@` or `#` sigil removed, e.g. `@bob` → `bob`. */
export function bare (name: string): string {
  return name.replace(/^[@#]/, '')
}

/** The only channel this version has: the network's main chat pipeline. */
export const MAIN_CHANNEL = 'general'

/** Checks a channel argument (only {@link MAIN_CHANNEL} exists in this version). */
export function checkChannel (channel: string): void {
  if (bare(channel) !== MAIN_CHANNEL) throw usageError(`channel "${channel}": channels other than "${MAIN_CHANNEL}" are not available in this version (use "${MAIN_CHANNEL}", or a room in pipes chat)`)
}
