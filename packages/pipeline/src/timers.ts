/** Lets a timer not keep the process alive (Node); a no-op where timers are plain ids. */
export function unref (timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref()
}
