import { PlatformAPI } from '@pipes/platform'
import { parseCommand } from '../cli/args.js'
import { noIdentityError, usageError } from '../cli/cli-error.js'
import { EXIT } from '../cli/exit-codes.js'
import { promptHidden } from '../cli/passphrase.js'
import { platformOptions, unlockIdentity } from '../cli/session.js'
import type { Command } from '../cli/command.js'

export const initCommand: Command = {
  name: 'init',
  help: `pipes init <name> [--passphrase]

Creates the identity <name> (a new key) in the data directory. With
--passphrase the key file is sealed: you are asked for the passphrase twice
(hidden), or it is read from PIPES_PASSPHRASE.`,
  async run (ctx, args) {
    const p = parseCommand('init', args, { passphrase: { type: 'boolean' } }, { min: 1, max: 1 })
    if (p.values.help === true) { ctx.out(this.help); return EXIT.ok }
    const name = p.positionals[0] as string
    let passphrase: string | undefined
    if (p.values.passphrase === true) {
      passphrase = ctx.env.PIPES_PASSPHRASE
      if (passphrase === undefined || passphrase === '') {
        passphrase = await promptHidden('New passphrase: ')
        if (passphrase === '') throw usageError('an empty passphrase seals nothing: give one, or leave out --passphrase')
        if (await promptHidden('Again: ') !== passphrase) throw usageError('the two passphrases differ: run pipes init again')
      }
    }
    const api = new PlatformAPI(ctx.dir, platformOptions(ctx.env))
    try {
      const identity = await api.addIdentity(name, passphrase === undefined ? {} : { passphrase })
      ctx.out(`${identity.name} is ready, id ${identity.id}${passphrase === undefined ? '' : ' (key sealed with your passphrase)'}`)
      ctx.out('next: "pipes join <invite>" (an invite from "pipes relay" or a friend), then "pipes chat"')
    } finally {
      await api.close()
    }
    return EXIT.ok
  }
}

export const whoamiCommand: Command = {
  name: 'whoami',
  help: `pipes whoami [--json]

Prints your name, your id and your public identity (one line of JSON): give
that line to people who add you to a room or write to you privately.`,
  async run (ctx, args) {
    const p = parseCommand('whoami', args, { json: { type: 'boolean' } }, { min: 0, max: 0 })
    if (p.values.help === true) { ctx.out(this.help); return EXIT.ok }
    const api = new PlatformAPI(ctx.dir, platformOptions(ctx.env))
    try {
      if (!await api.hasLocalIdentity()) throw noIdentityError(ctx.dir)
      const identity = await unlockIdentity(api)
      const pub = JSON.stringify(identity.public().toJSON())
      if (p.values.json === true) {
        ctx.out(JSON.stringify({ name: identity.name, id: identity.id, identity: identity.public().toJSON(), dir: ctx.dir }))
      } else {
        ctx.out(`name      ${identity.name}`)
        ctx.out(`id        ${identity.id}`)
        ctx.out(`dir       ${ctx.dir}`)
        ctx.out(`identity  ${pub}`)
      }
    } finally {
      await api.close()
    }
    return EXIT.ok
  }
}
