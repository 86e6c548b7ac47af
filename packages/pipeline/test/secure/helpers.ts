import { bytesToHex, randomBytes } from '@pipes/identity'
import type { SealedEntry } from '../../src/secure/encrypted-codec.js'
import type { ControlInput } from '../../src/secure/membership.js'

export const scope = { network: 'net-secure', pipeline: 'ROOM' }
/** The entry format's FLAG_PERSISTENT | FLAG_ENCRYPTED (literal: these tests need nothing of the entry format). */
export const FLAGS = 1 | 2

/** An unsigned entry around a payload, as the pipeline hands it to a codec after verification. */
export function entryOf (fields: Partial<SealedEntry> & { author: Uint8Array, payload: Uint8Array }): SealedEntry {
  return { seq: 1, flags: FLAGS, keyEpoch: 0, ...fields }
}

/** Hands out control inputs with a hybrid clock that moves forward, like entries written one after another. */
export class RecordClock {
  #time = 1_700_000_000_000
  readonly #seqs = new Map<string, number>()

  next (author: Uint8Array, payload: Uint8Array): ControlInput {
    const hex = bytesToHex(author)
    const seq = (this.#seqs.get(hex) ?? 0) + 1
    this.#seqs.set(hex, seq)
    this.#time += 10
    return { id: bytesToHex(randomBytes(32)), author, seq, time: this.#time, counter: 0, payload }
  }
}
