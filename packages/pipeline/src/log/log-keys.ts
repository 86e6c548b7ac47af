import { pb, toHex, utf8 } from '../bytes.js'
import { StoreFailedError } from '../errors.js'
import { AuthorHead } from '../sync.pb.js'
import type { AuthorState } from './entry-record.js'
import type { KvOp } from '../kv.js'

const SEQ_DIGITS = 16

/**
 * Where one pipeline's log lives in the datastore, and its per-author
 * records: `/pipes/log/<pipeline hex>/{e/<author>/<seq>, h/<author>, d/<author>, f/<author>}`
 * (entries, head, delivered watermark, floor). Head, watermark and floor
 * are {@link AuthorHead} records.
 */
export class LogKeys {
  readonly #base: string

  constructor (pipeline: string) {
    this.#base = `/pipes/log/${toHex(utf8(pipeline))}`
  }

  /** Key of an author's entry at `seq` (seqs in fixed-width hex, so keys sort by seq). */
  entry (authorHex: string, seq: number): string {
    return `${this.#base}/e/${authorHex}/${seq.toString(16).padStart(SEQ_DIGITS, '0')}`
  }

  /** Prefix of every head, delivered or floor record (`h`, `d`, `f`). */
  prefix (record: 'h' | 'd' | 'f'): string {
    return `${this.#base}/${record}/`
  }

  /** Writes the author's head as entry `seq` with id `head`. */
  headOp (state: AuthorState, seq: number, head: Uint8Array): KvOp {
    return { key: `${this.#base}/h/${state.authorHex}`, value: AuthorHead.encode({ author: pb(state.author), seq, head: pb(head) }) }
  }

  /** Writes the author's floor as it is in `state`. */
  floorOp (state: AuthorState): KvOp {
    return { key: `${this.#base}/f/${state.authorHex}`, value: AuthorHead.encode({ author: pb(state.author), seq: state.floor, head: pb(state.floorHead) }) }
  }

  /** Writes the author's delivered watermark as it is in `state`. */
  deliveredOp (state: AuthorState): KvOp {
    return { key: `${this.#base}/d/${state.authorHex}`, value: AuthorHead.encode({ author: pb(state.author), seq: state.delivered }) }
  }
}

/** A head, delivered or floor record read back; a record that is not one means the store is unusable. */
export function decodeHeadRecord (key: string, value: Uint8Array): AuthorHead {
  try {
    const head = AuthorHead.decode(value)
    if (head.author.length !== 32 || !Number.isSafeInteger(head.seq) || head.seq < 0) throw new Error('bad head record')
    return head
  } catch (err) {
    throw new StoreFailedError(`the datastore record ${key} is not a Pipes head record: the store is corrupt or written by an incompatible version`, { cause: err })
  }
}
