import { parseCommand, seconds, str } from '../cli/args.js'
import { CliError } from '../cli/cli-error.js'
import { EXIT } from '../cli/exit-codes.js'
import { waitForHolder, waitForRelay } from '../cli/reachability.js'
import { checkChannel, chosenNetwork, MAIN_CHANNEL, openChat } from '../cli/session.js'
import { untilStopped } from '../cli/signals.js'
import type { ChatMessage } from '@pipes/chat'
import type { Pipeline } from '@pipes/platform'
import type { Command } from '../cli/command.js'

/** A message as `--json` prints it: one object per line. */
export function messageJson (m: ChatMessage, channel: string): string {
  return JSON.stringify({ channel, id: m.id, sender: m.sender, senderId: m.senderId, timestamp: m.timestamp, text: m.text })
}

/** A message as a plain line: time, sender, text. */
export function messageLine (m: ChatMessage): string {
  const t = new Date(m.timestamp).toISOString().slice(11, 19)
  return `${t} ${m.sender}: ${m.text}`
}

export const sendCommand: Command = {
  name: 'send',
  help: `pipes send <channel> <text> [--json] [--network <id>] [--timeout <s>]

Stores <text> on <channel> ("general") and waits until a peer (the relay)
holds it. Exit 0 once it is held; exit 5 when no relay answered or took it
within --timeout (default 15 s): the message stays stored and goes out on
the next run. --json prints the sent message as one JSON object.`,
  async run (ctx, args) {
    const p = parseCommand('send', args, { json: { type: 'boolean' }, network: { type: 'string' }, timeout: { type: 'string' } }, { min: 2, max: 2 })
    if (p.values.help === true) { ctx.out(this.help); return EXIT.ok }
    const [channel, text] = p.positionals as [string, string]
    checkChannel(channel)
    const timeout = seconds(p, 'timeout', 15)
    const chat = await openChat(ctx, await chosenNetwork(ctx, str(p, 'network')))
    try {
      const sent = await chat.sendMessage(text)
      await waitForRelay(chat, timeout)
      if (!await waitForHolder(chat.pipeline as Pipeline, sent.id, timeout)) {
        throw new CliError('ERR_CLI_NOT_DELIVERED', `the relay did not confirm the message within ${Math.round(timeout / 1000)} s: it is stored here and goes out on the next run`, EXIT.unreachable)
      }
      ctx.out(p.values.json === true ? messageJson(sent, MAIN_CHANNEL) : `delivered ${sent.id.slice(0, 12)}`)
    } finally {
      await chat.close()
    }
    return EXIT.ok
  }
}

export const tailCommand: Command = {
  name: 'tail',
  help: `pipes tail <channel> [--json] [--network <id>] [--new]

Prints the messages stored on <channel> ("general"), oldest first, then each
new one as it arrives, until Ctrl-C or SIGTERM (exit 0). --new skips the
stored ones. --json prints one JSON object per line.`,
  async run (ctx, args) {
    const p = parseCommand('tail', args, { json: { type: 'boolean' }, network: { type: 'string' }, new: { type: 'boolean' } }, { min: 1, max: 1 })
    if (p.values.help === true) { ctx.out(this.help); return EXIT.ok }
    const channel = p.positionals[0] as string
    checkChannel(channel)
    const print = (m: ChatMessage): void => { ctx.out(p.values.json === true ? messageJson(m, MAIN_CHANNEL) : messageLine(m)) }
    const seen = new Set<string>()
    const chat = await openChat(ctx, await chosenNetwork(ctx, str(p, 'network')))
    try {
      // what arrives while the stored ones print waits its turn, so the output stays in order
      const early: ChatMessage[] = []
      let live = false
      chat.setListener(m => {
        if (m.private === true || m.room !== undefined || seen.has(m.id)) return
        seen.add(m.id)
        if (live) print(m)
        else early.push(m)
      })
      if (p.values.new !== true) {
        const stored: ChatMessage[] = []
        for await (const m of chat.history()) stored.push(m)
        for (const m of stored.sort((a, b) => a.timestamp - b.timestamp)) {
          if (!seen.has(m.id)) { seen.add(m.id); print(m) }
        }
      }
      for (const m of early) print(m)
      live = true
      await untilStopped()
    } finally {
      await chat.close()
    }
    return EXIT.ok
  }
}
