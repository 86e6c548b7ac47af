import { parseCommand } from '../cli/args.js'
import { EXIT } from '../cli/exit-codes.js'
import type { Command } from '../cli/command.js'

export const chatCommand: Command = {
  name: 'chat',
  summary: 'full-screen chat: pipes chat [channel]',
  help: 'pipes chat [channel]',
  async run (ctx, args) {
    const p = parseCommand('chat', args, {}, { min: 0, max: 1 })
    if (p.values.help === true) { ctx.out(this.help); return EXIT.ok }
    return EXIT.ok
  }
}
