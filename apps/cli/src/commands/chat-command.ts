import { parseCommand, str } from '../cli/args.js'
import { usageError } from '../cli/cli-error.js'
import { EXIT } from '../cli/exit-codes.js'
import { checkChannel, chosenNetwork, openChat } from '../cli/session.js'
import { ChatApp } from '../tui/chat-app.js'
import type { Command } from '../cli/command.js'

export const chatCommand: Command = {
  name: 'chat',
  help: `pipes chat [channel] [--network <id>]

Opens the full-screen chat on <channel> ("general", the default) of the
default network. Type and press Enter to send; /help lists the commands
(/dm, /room, /history, /who, ...). Your own messages show "(pending)" until
a peer holds them, then "✓". /quit, Ctrl-C or Ctrl-D leave. Needs a terminal.`,
  async run (ctx, args) {
    const p = parseCommand('chat', args, { network: { type: 'string' } }, { min: 0, max: 1 })
    if (p.values.help === true) { ctx.out(this.help); return EXIT.ok }
    if (p.positionals[0] !== undefined) checkChannel(p.positionals[0])
    if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) throw usageError('pipes chat needs a terminal: in scripts use "pipes send" and "pipes tail"')
    const network = await chosenNetwork(ctx, str(p, 'network'))
    const chat = await openChat(ctx, network)
    const colour = ctx.env.NO_COLOR === undefined && ctx.env.TERM !== 'dumb'
    await new ChatApp({ chat, dir: ctx.dir, network, input: process.stdin, output: process.stdout, colour }).run()
    return EXIT.ok
  }
}
