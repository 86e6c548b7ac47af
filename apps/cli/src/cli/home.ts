import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { writeFileAtomic } from '@pipes/identity/node'

/** The data directory: `--dir`, else `PIPES_HOME`, else `~/.pipes`. */
export function dataDir (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.PIPES_HOME
  return resolve(chosen !== undefined && chosen !== '' ? chosen : join(homedir(), '.pipes'))
}

/** What the CLI keeps beside the platform's files: which network commands use by default. */
export interface CliSettings {
  network?: string
}

const FILE = 'cli.json'

/** Reads `<dir>/cli.json` (empty settings when it is missing or unreadable). */
export async function loadSettings (dir: string): Promise<CliSettings> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, FILE), 'utf8')) as { version?: unknown, network?: unknown }
    return parsed.version === 1 && typeof parsed.network === 'string' ? { network: parsed.network } : {}
  } catch {
    return {}
  }
}

/** Writes `<dir>/cli.json` atomically. */
export async function saveSettings (dir: string, settings: CliSettings): Promise<void> {
  await writeFileAtomic(join(dir, FILE), JSON.stringify({ version: 1, ...settings }, null, 2) + '\n')
}

/** The relay's data directory: `--dir`, else `PIPES_HOME`, else `~/.pipes-relay` (apart from a user's `~/.pipes`). */
export function relayDir (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag !== undefined || (env.PIPES_HOME ?? '') !== '' ? dataDir(flag, env) : join(homedir(), '.pipes-relay')
}
