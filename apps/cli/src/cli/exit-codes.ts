/**
 * The exit codes of `pipes` (documented in the README): a script can tell a
 * usage mistake from a network that did not answer without reading the text.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Something failed while running (storage, network, a refused operation). */
  runtime: 1,
  /** The command line is wrong: unknown command or flag, missing argument, bad invite. */
  usage: 2,
  /** The data directory is in use by another `pipes` process. */
  locked: 3,
  /** No identity yet, or the passphrase does not open it. */
  identity: 4,
  /** No relay or peer answered in time. */
  unreachable: 5
} as const

export type ExitCode = typeof EXIT[keyof typeof EXIT]
