import type { CommandContext } from './session.js'
import type { ExitCode } from './exit-codes.js'

/** One `pipes <name>` command. */
export interface Command {
  name: string
  /** Its own `--help` text. */
  help: string
  run: (ctx: CommandContext, args: string[]) => Promise<ExitCode>
}
