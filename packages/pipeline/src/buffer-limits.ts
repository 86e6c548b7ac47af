import { InvalidPipelineArgumentError } from './errors.js'

/**
 * Bounds of what a node keeps in memory for entries it cannot use yet.
 * Both buffers are only a shortcut: a held entry is in the store too (it is
 * read back when it can be delivered), and an entry dropped from the gap
 * buffer is fetched again by sync. Tests lower them.
 */
export interface BufferLimits {
  /** Most stored entries held in memory for delivery (each pipeline). Default 4,096. */
  heldEntries: number
  /** Most bytes of held entries, all authors of a pipeline together. Default 16 MiB. */
  heldBytes: number
  /** Most bytes of held entries of one author (so one author cannot take the room of every other). Default 4 MiB. */
  heldAuthorBytes: number
  /** How long an entry stays held, in ms, when it cannot be delivered (no key yet, no listener, a slow one). Default 60 s. */
  heldTtlMs: number
  /** Most entries waiting for a gap to fill (each pipeline). Default 4,096. */
  gapEntries: number
  /** Most bytes waiting for a gap to fill (each pipeline). Default 32 MiB. */
  gapBytes: number
  /** Most entries of one author waiting for a gap to fill. Default 512. */
  gapAuthorEntries: number
  /** Most bytes of one author waiting for a gap to fill. Default 4 MiB. */
  gapAuthorBytes: number
  /** How long an entry waits for its gap to fill, in ms, before it is dropped (sync fetches it again). Default 60 s. */
  gapTtlMs: number
}

/** Defaults of {@link BufferLimits}. */
export const DEFAULT_BUFFER_LIMITS: Readonly<BufferLimits> = Object.freeze({
  heldEntries: 4096,
  heldBytes: 16 * 1024 * 1024,
  heldAuthorBytes: 4 * 1024 * 1024,
  heldTtlMs: 60_000,
  gapEntries: 4096,
  gapBytes: 32 * 1024 * 1024,
  gapAuthorEntries: 512,
  gapAuthorBytes: 4 * 1024 * 1024,
  gapTtlMs: 60_000
})

/**
 * The limits with `given` over the defaults.
 *
 * @throws {@link InvalidPipelineArgumentError} when a limit is not a positive number or is unknown
 */
export function bufferLimitsOf (given: Partial<BufferLimits> | undefined): BufferLimits {
  if (given === undefined) return { ...DEFAULT_BUFFER_LIMITS }
  if (given === null || typeof given !== 'object') throw new InvalidPipelineArgumentError('createPipesNode: bufferLimits must be an object of positive numbers')
  const out: BufferLimits = { ...DEFAULT_BUFFER_LIMITS }
  for (const [key, value] of Object.entries(given)) {
    if (!(key in DEFAULT_BUFFER_LIMITS)) throw new InvalidPipelineArgumentError(`createPipesNode: bufferLimits.${key} is not a buffer limit (known: ${Object.keys(DEFAULT_BUFFER_LIMITS).join(', ')})`)
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new InvalidPipelineArgumentError(`createPipesNode: bufferLimits.${key} must be a positive number, got ${String(value)}`)
    out[key as keyof BufferLimits] = value
  }
  return out
}
