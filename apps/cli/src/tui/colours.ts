import { createHash } from 'node:crypto'
import { ansi } from './ansi.js'

// 256-colour codes that read well on dark and light backgrounds
const PALETTE = [33, 39, 41, 69, 71, 75, 77, 105, 113, 141, 149, 166, 172, 178, 203, 209, 214, 35]

/** The colour of a sender: the same on every screen and every run, from the hash of their id (names can repeat, ids cannot). */
export function colourFor (senderId: string): string {
  const n = createHash('sha256').update(senderId).digest().readUInt32BE(0)
  return ansi.fg256(PALETTE[n % PALETTE.length] as number)
}
