import { readFile } from 'node:fs/promises'
import { PlatformAPI } from '@pipes/platform'
import type { NetworkConfig } from '@pipes/platform'
import { list, parseCommand, str } from '../cli/args.js'
import { usageError } from '../cli/cli-error.js'
import { EXIT } from '../cli/exit-codes.js'
import { loadSettings, saveSettings } from '../cli/home.js'
import { decodeInvite, encodeInvite, INVITED_LISTEN } from '../cli/invite.js'
import { chosenNetwork, platformOptions } from '../cli/session.js'
import type { Command } from '../cli/command.js'
import type { CommandContext } from '../cli/session.js'

/** Adds `config`, replacing a saved network of the same id (its store stays), and makes it the default. */
export async function adoptNetwork (ctx: CommandContext, config: NetworkConfig): Promise<void> {
  const api = new PlatformAPI(ctx.dir, platformOptions(ctx.env))
  try {
    const known = (await api.networks()).some(n => n.id === config.id)
    if (known && config.id !== 'local') await api.removeNetwork(config.id)
    if (config.id !== 'local') await api.addNetwork(config)
    await saveSettings(ctx.dir, { ...await loadSettings(ctx.dir), network: config.id })
  } finally {
    await api.close()
  }
}

const networkHelp = `pipes network add <id> --bootstrap <multiaddr> [--bootstrap ...] [--listen <multiaddr> ...] [--psk-file <file>]
pipes network list
pipes network remove <id>

Manages the networks this directory knows. "add" saves a network and makes
it the default of the other commands (as "pipes join" does); "list" marks the
default with *; "remove" forgets a network (its stored messages stay on disk).
The built-in network "local" (this machine only) always exists.`

export const networkCommand: Command = {
  name: 'network',
  help: networkHelp,
  async run (ctx, args) {
    const [sub, ...rest] = args
    if (sub === undefined || sub === '--help' || sub === '-h') { ctx.out(networkHelp); return EXIT.ok }
    if (sub === 'add') {
      const p = parseCommand('network add', rest, { bootstrap: { type: 'string', multiple: true }, listen: { type: 'string', multiple: true }, 'psk-file': { type: 'string' } }, { min: 1, max: 1 })
      if (p.values.help === true) { ctx.out(networkHelp); return EXIT.ok }
      const config: NetworkConfig = { id: p.positionals[0] as string, bootstrap: list(p, 'bootstrap'), listen: list(p, 'listen').length > 0 ? list(p, 'listen') : INVITED_LISTEN }
      const pskFile = str(p, 'psk-file')
      if (pskFile !== undefined) {
        config.psk = await readFile(pskFile, 'utf8').catch(() => { throw usageError(`cannot read --psk-file ${pskFile}: check the path`) })
      }
      if (config.id === 'local') throw usageError('"local" is built in: pick another id')
      const api = new PlatformAPI(ctx.dir, platformOptions(ctx.env))
      try {
        await api.addNetwork(config)
      } finally {
        await api.close()
      }
      await saveSettings(ctx.dir, { ...await loadSettings(ctx.dir), network: config.id })
      ctx.out(`added network ${config.id} (now the default)`)
      return EXIT.ok
    }
    if (sub === 'list') {
      const p = parseCommand('network list', rest, { json: { type: 'boolean' } }, { min: 0, max: 0 })
      if (p.values.help === true) { ctx.out(networkHelp); return EXIT.ok }
      const current = (await loadSettings(ctx.dir)).network
      const api = new PlatformAPI(ctx.dir, platformOptions(ctx.env))
      try {
        for (const n of await api.networks()) {
          const c = n.config
          if (p.values.json === true) ctx.out(JSON.stringify({ ...c, default: n.id === current }))
          else ctx.out(`${n.id === current ? '*' : ' '} ${n.id}  ${(c.bootstrap ?? []).length} relay address(es)${c.psk === undefined ? '' : ', private'}`)
        }
      } finally {
        await api.close()
      }
      return EXIT.ok
    }
    if (sub === 'remove') {
      const p = parseCommand('network remove', rest, {}, { min: 1, max: 1 })
      if (p.values.help === true) { ctx.out(networkHelp); return EXIT.ok }
      const id = p.positionals[0] as string
      const api = new PlatformAPI(ctx.dir, platformOptions(ctx.env))
      try {
        await api.removeNetwork(id)
      } finally {
        await api.close()
      }
      const settings = await loadSettings(ctx.dir)
      if (settings.network === id) await saveSettings(ctx.dir, {})
      ctx.out(`removed network ${id}`)
      return EXIT.ok
    }
    throw usageError(`unknown "pipes network ${sub}": use add, list or remove`)
  }
}

export const inviteCommand: Command = {
  name: 'invite',
  help: `pipes invite [--network <id>]

Prints one line, an invite: the network's id, its relay addresses and (for a
private network) its key. Whoever runs "pipes join <invite>" joins it.`,
  async run (ctx, args) {
    const p = parseCommand('invite', args, { network: { type: 'string' } }, { min: 0, max: 0 })
    if (p.values.help === true) { ctx.out(this.help); return EXIT.ok }
    const id = await chosenNetwork(ctx, str(p, 'network'))
    const api = new PlatformAPI(ctx.dir, platformOptions(ctx.env))
    try {
      const network = await api.networkWithId(id)
      const bootstrap = network.config.bootstrap ?? []
      if (bootstrap.length === 0) throw usageError(`network ${id} has no relay address to invite to: run "pipes relay" on a reachable host and use its invite`)
      ctx.out(encodeInvite({ ...network.config, bootstrap, listen: INVITED_LISTEN }))
    } finally {
      await api.close()
    }
    return EXIT.ok
  }
}

export const joinCommand: Command = {
  name: 'join',
  help: `pipes join <invite>

Saves the network an invite describes (from "pipes relay" or "pipes invite")
and makes it the default; then "pipes chat" talks on it. Joining again with a
newer invite of the same network replaces its addresses.`,
  async run (ctx, args) {
    const p = parseCommand('join', args, {}, { min: 1, max: 1 })
    if (p.values.help === true) { ctx.out(this.help); return EXIT.ok }
    const config = decodeInvite(p.positionals[0] as string)
    await adoptNetwork(ctx, config)
    ctx.out(`joined network ${config.id} (${(config.bootstrap ?? []).length} relay address(es)); next: "pipes chat"`)
    return EXIT.ok
  }
}
