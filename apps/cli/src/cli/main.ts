/**
 * `pipes <command>`: finds the command, gives it the data directory, and
 * turns any failure into one line on stderr and an exit code.
 */
import { describeFailure, usageError } from './cli-error.js'
import { EXIT } from './exit-codes.js'
import type { ExitCode } from './exit-codes.js'
import { dataDir, relayDir } from './home.js'
import type { Command } from './command.js'

/** The commands, each loaded when it runs: "pipes --help" and usage mistakes do not pay for libp2p. */
const COMMANDS: Array<{ name: string, summary: string, load: () => Promise<Command> }> = [
  { name: 'init', summary: 'create your identity: pipes init <name> [--passphrase]', load: async () => (await import('../commands/identity-commands.js')).initCommand },
  { name: 'whoami', summary: 'show your name, id and the public identity to hand out', load: async () => (await import('../commands/identity-commands.js')).whoamiCommand },
  { name: 'network', summary: 'add, list or remove networks: pipes network add|list|remove', load: async () => (await import('../commands/network-commands.js')).networkCommand },
  { name: 'invite', summary: 'print an invite to your network: pipes invite [--network <id>]', load: async () => (await import('../commands/network-commands.js')).inviteCommand },
  { name: 'join', summary: 'join the network of an invite: pipes join <invite>', load: async () => (await import('../commands/network-commands.js')).joinCommand },
  { name: 'chat', summary: 'full-screen chat: pipes chat [channel]', load: async () => (await import('../commands/chat-command.js')).chatCommand },
  { name: 'send', summary: 'send one message from a script: pipes send <channel> <text> [--json]', load: async () => (await import('../commands/message-commands.js')).sendCommand },
  { name: 'tail', summary: 'print a channel\'s messages as they come: pipes tail <channel> [--json]', load: async () => (await import('../commands/message-commands.js')).tailCommand },
  { name: 'relay', summary: 'run a relay: bootstrap node, circuit relay and archive of a network', load: async () => (await import('../commands/relay-command.js')).relayCommand }
]

function usage (): string {
  const width = Math.max(...COMMANDS.map(c => c.name.length))
  return [
    'pipes: peer-to-peer chat on Pipes',
    '',
    'usage: pipes [--dir <path>] <command> [options]',
    '',
    ...COMMANDS.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Data lives in --dir, else PIPES_HOME, else ~/.pipes. "pipes <command> --help" tells more.',
    'Exit codes: 0 ok, 1 runtime error, 2 usage error, 3 directory in use, 4 identity missing or locked, 5 unreachable.'
  ].join('\n')
}

/** Splits `--dir <path>` / `--dir=<path>` off the arguments, wherever it stands. */
function takeDir (argv: string[]): { dir: string | undefined, rest: string[] } {
  const rest: string[] = []
  let dir: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--') { rest.push(...argv.slice(i)); break }
    if (a === '--dir') {
      const next = argv[i + 1]
      if (next === undefined) throw usageError('--dir needs a path')
      dir = next
      i++
    } else if (a.startsWith('--dir=')) {
      dir = a.slice('--dir='.length)
    } else {
      rest.push(a)
    }
  }
  return { dir, rest }
}

/** Runs `pipes` with `argv` (without node and the script); resolves with the exit code. */
export async function main (argv: string[], env: NodeJS.ProcessEnv = process.env, io = { out: (s: string) => { process.stdout.write(s + '\n') }, err: (s: string) => { process.stderr.write(s + '\n') } }): Promise<ExitCode> {
  let dir = dataDir(undefined, env)
  try {
    const { dir: flag, rest } = takeDir(argv)
    const [name, ...args] = rest
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(usage())
      return name === undefined ? EXIT.usage : EXIT.ok
    }
    if (name === '--version' || name === '-v') { io.out('pipes 0.0.0'); return EXIT.ok }
    const command = COMMANDS.find(c => c.name === name)
    if (command === undefined) throw usageError(`unknown command "${name}": run "pipes --help" for the list`)
    dir = command.name === 'relay' ? relayDir(flag, env) : dataDir(flag, env)
    return await (await command.load()).run({ dir, env, out: io.out }, args)
  } catch (err) {
    const { line, exitCode } = describeFailure(err, dir)
    io.err(`pipes: ${line}`)
    return exitCode
  }
}
