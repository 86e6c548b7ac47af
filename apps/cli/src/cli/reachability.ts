import type { Chat } from '@pipes/chat'
import type { Pipeline } from '@pipes/platform'
import { CliError } from './cli-error.js'
import { EXIT } from './exit-codes.js'

/** Resolves once `check()` holds, re-checked on each of `events` of `target` and every 250 ms; false after `ms`. */
async function until (check: () => boolean, target: EventTarget, events: string[], ms: number): Promise<boolean> {
  if (check()) return true
  return await new Promise<boolean>(resolve => {
    const finish = (ok: boolean): void => {
      clearTimeout(timer)
      clearInterval(poll)
      for (const e of events) target.removeEventListener(e, onEvent)
      resolve(ok)
    }
    const onEvent = (): void => { if (check()) finish(true) }
    const timer = setTimeout(() => { finish(check()) }, ms)
    const poll = setInterval(onEvent, 250)
    for (const e of events) target.addEventListener(e, onEvent)
  })
}

/** Where the chat's network starts from, for error lines. */
export function relayAddresses (chat: Chat): string {
  const list = chat.node?.network.bootstrap ?? []
  return list.length === 0 ? 'no relay configured (run "pipes join <invite>")' : list.join(', ')
}

/**
 * Waits until at least one peer (the relay) is connected.
 * @throws a CliError (exit 5) naming the relay addresses when none answered within `ms`
 */
export async function waitForRelay (chat: Chat, ms: number): Promise<void> {
  if (await until(() => chat.peers().length > 0, chat, ['peer:joined'], ms)) return
  throw new CliError('ERR_CLI_UNREACHABLE', `no relay answered within ${Math.round(ms / 1000)} s at ${relayAddresses(chat)}: is "pipes relay" running there and reachable?`, EXIT.unreachable)
}

/** Waits until a peer is known to hold packet `id` of `pipeline` (a delivery receipt). */
export async function waitForHolder (pipeline: Pipeline, id: string, ms: number): Promise<boolean> {
  return await until(() => pipeline.holders(id).length > 0, pipeline, ['receipt'], ms)
}
