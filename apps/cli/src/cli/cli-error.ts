import { PipesError } from '@pipes/interface'
import { EXIT } from './exit-codes.js'
import type { ExitCode } from './exit-codes.js'

/** A failure the CLI reports as one line and an exit code (never a stack trace). */
export class CliError extends PipesError {
  static override name = 'CliError'
  /** The process exit code this failure ends `pipes` with. */
  readonly exitCode: ExitCode

  constructor (code: `ERR_CLI_${string}`, message: string, exitCode: ExitCode) {
    super(code, message)
    this.exitCode = exitCode
  }
}

/** A wrong command line: exit 2. */
export function usageError (message: string): CliError {
  return new CliError('ERR_CLI_USAGE', message, EXIT.usage)
}

/** No identity in the data directory yet: exit 4. */
export function noIdentityError (dir: string): CliError {
  return new CliError('ERR_CLI_NO_IDENTITY', `no identity in ${dir} yet: run "pipes init <name>" first`, EXIT.identity)
}

/** Exit codes of the library errors a user can cause from the command line. */
const EXIT_BY_CODE: Record<string, ExitCode> = {
  ERR_API_PATH_LOCKED: EXIT.locked,
  ERR_WRONG_PASSPHRASE: EXIT.identity,
  ERR_PASSPHRASE_REQUIRED: EXIT.identity,
  ERR_NO_LOCAL_IDENTITY: EXIT.identity,
  ERR_IDENTITY_EXISTS: EXIT.usage,
  ERR_INVALID_IDENTITY_NAME: EXIT.usage,
  ERR_UNKNOWN_NETWORK: EXIT.usage,
  ERR_NETWORK_EXISTS: EXIT.usage,
  ERR_INVALID_NETWORK_CONFIG: EXIT.usage,
  ERR_INVALID_RECIPIENT: EXIT.usage,
  ERR_INVALID_ROOM: EXIT.usage,
  ERR_INVALID_MESSAGE: EXIT.usage
}

/** What the CLI tells the user instead of the library's text, where that text speaks to a programmer. */
function lineFor (err: PipesError, dir: string): string {
  switch (err.code) {
    case 'ERR_API_PATH_LOCKED': return `${dir} is in use by another pipes process: quit it first, or use another directory with --dir`
    case 'ERR_WRONG_PASSPHRASE': return `wrong passphrase for ${dir}/identity.key: try again (or set PIPES_PASSPHRASE)`
    case 'ERR_PASSPHRASE_REQUIRED': return `the identity in ${dir} is sealed with a passphrase: run in a terminal to be asked, or set PIPES_PASSPHRASE`
    case 'ERR_NO_LOCAL_IDENTITY': return `no identity in ${dir} yet: run "pipes init <name>" first`
    case 'ERR_IDENTITY_EXISTS': return `${dir} already has an identity: see it with "pipes whoami", or use another directory with --dir`
    default: return err.message
  }
}

/** One line and an exit code for any failure; library errors keep their own message, anything else its first line. */
export function describeFailure (err: unknown, dir: string): { line: string, exitCode: ExitCode } {
  if (err instanceof CliError) return { line: oneLine(err.message), exitCode: err.exitCode }
  if (err instanceof PipesError) return { line: oneLine(lineFor(err, dir)), exitCode: EXIT_BY_CODE[err.code] ?? EXIT.runtime }
  const message = err instanceof Error ? err.message : String(err)
  return { line: oneLine(`unexpected failure: ${message}`), exitCode: EXIT.runtime }
}

function oneLine (text: string): string {
  return text.split('\n').map(s => s.trim()).filter(s => s !== '').join(' ')
}
