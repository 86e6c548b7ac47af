import { usageError } from './cli-error.js'

/**
 * Asks for a passphrase on the terminal without echoing it. Reads from
 * stdin in raw mode; Ctrl-C or Ctrl-D cancels (a usage error, exit 2).
 * @throws a usage error when stdin is not a terminal (use PIPES_PASSPHRASE there)
 */
export async function promptHidden (prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) throw usageError('a passphrase is needed and stdin is not a terminal: set PIPES_PASSPHRASE')
  output.write(prompt)
  input.setRawMode(true)
  input.resume()
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = ''
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') { done(); resolve(typed); return }
          if (ch === '\u0003' || ch === '\u0004') { done(); reject(usageError('cancelled: no passphrase given')); return }
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('')
          else if (ch >= ' ') typed += ch
        }
      }
      const done = (): void => { input.off('data', onData); output.write('\n') }
      input.on('data', onData)
    })
  } finally {
    input.setRawMode(false)
    input.pause()
  }
}
