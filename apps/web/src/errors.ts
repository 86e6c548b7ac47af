/** One line for the user from any error: a typed Pipes error says what to do, a full store says so plainly. */
export function describeError (err: unknown): string {
  const e = err as { code?: unknown, message?: unknown, cause?: unknown } | null
  const cause = e?.cause as { code?: unknown } | undefined
  if (e?.code === 'ERR_STORAGE_FULL' || cause?.code === 'ERR_STORAGE_FULL') {
    return 'Browser storage is full: this message was not stored (nothing already sent is lost). Free space for this site, then send again.'
  }
  const message = typeof e?.message === 'string' ? e.message : String(err)
  return typeof e?.code === 'string' ? `${message} (${e.code})` : message
}
