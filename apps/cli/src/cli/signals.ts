/** Resolves on the first SIGINT or SIGTERM (the handlers are removed again), so a command can close cleanly. */
export async function untilStopped (): Promise<NodeJS.Signals> {
  return await new Promise(resolve => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
      resolve(signal)
    }
    process.on('SIGINT', on)
    process.on('SIGTERM', on)
  })
}
