import { verify } from '@pipes/identity'
import { contextBytes } from '../context-bytes.js'
import type { RejectReason } from '../../reject-reasons.js'
import type { LocalIdentity } from '@pipes/identity'

/** Domain of the signed bytes: a checkpoint signature is never valid as anything else the key signs. */
const CHECKPOINT_DOMAIN = 'pipes/mailbox/checkpoint/v1'
const FORMAT = 1
const AUTHOR_BYTES = 32
const HEAD_BYTES = 32
const SIGNATURE_BYTES = 64
/** `format (1) ‖ author (32) ‖ seq (8) ‖ head (32) ‖ time (8) ‖ signature (64)`. */
export const CHECKPOINT_BYTES = 1 + AUTHOR_BYTES + 8 + HEAD_BYTES + 8 + SIGNATURE_BYTES

/**
 * An author's signed low-water mark of its log in one pipeline: "my entries
 * up to `seq` may be dropped; my entry at `seq` has id `head`". A node
 * holding it may delete those entries and still take the author's next
 * entry (it links to `head`), and a node that has none of them can start
 * the author's log there.
 */
export interface Checkpoint {
  author: Uint8Array
  seq: number
  head: Uint8Array
  /** When the author signed it (ms since the epoch). */
  time: number
  signature: Uint8Array
  /** The record as it travels and is stored. */
  bytes: Uint8Array
}

/** The bytes an author signs: domain, network and pipeline bound in, every field length-prefixed. */
function signedBytes (network: string, pipeline: string, author: Uint8Array, seq: number, head: Uint8Array, time: number): Uint8Array {
  return contextBytes(CHECKPOINT_DOMAIN, network, pipeline, author, seq, head, time)
}

/** Signs a checkpoint of our own log in `pipeline` at `seq` (whose entry id is `head`). */
export async function signCheckpoint (identity: LocalIdentity, network: string, pipeline: string, seq: number, head: Uint8Array, time: number): Promise<Checkpoint> {
  const signature = await identity.sign(signedBytes(network, pipeline, identity.publicKey, seq, head, time))
  const bytes = new Uint8Array(CHECKPOINT_BYTES)
  const view = new DataView(bytes.buffer)
  bytes[0] = FORMAT
  bytes.set(identity.publicKey, 1)
  view.setBigUint64(1 + AUTHOR_BYTES, BigInt(seq))
  bytes.set(head, 1 + AUTHOR_BYTES + 8)
  view.setBigUint64(1 + AUTHOR_BYTES + 8 + HEAD_BYTES, BigInt(time))
  bytes.set(signature, CHECKPOINT_BYTES - SIGNATURE_BYTES)
  return { author: identity.publicKey, seq, head, time, signature, bytes }
}

/** The fields of a checkpoint record (copied out of `bytes`), or undefined when it is not one. Nothing is verified. */
export function decodeCheckpoint (bytes: Uint8Array): Checkpoint | undefined {
  if (bytes.length !== CHECKPOINT_BYTES || bytes[0] !== FORMAT) return undefined
  // a copy of its own (not `slice()`: on a Node Buffer, as sync frames may be, that is a view into the frame)
  const own = new Uint8Array(bytes)
  const view = new DataView(own.buffer)
  const seq = Number(view.getBigUint64(1 + AUTHOR_BYTES))
  const time = Number(view.getBigUint64(1 + AUTHOR_BYTES + 8 + HEAD_BYTES))
  if (!Number.isSafeInteger(seq) || seq < 1 || !Number.isSafeInteger(time) || time < 1) return undefined
  return {
    author: own.subarray(1, 1 + AUTHOR_BYTES),
    seq,
    head: own.subarray(1 + AUTHOR_BYTES + 8, 1 + AUTHOR_BYTES + 8 + HEAD_BYTES),
    time,
    signature: own.subarray(CHECKPOINT_BYTES - SIGNATURE_BYTES),
    bytes: own
  }
}

/**
 * A checkpoint record from a peer, checked: its shape, its time (at most
 * `maxSkewMs` ahead of `now`) and the author's signature over it for this
 * network and pipeline. Returns the reason to refuse it otherwise.
 */
export async function checkCheckpoint (bytes: Uint8Array, network: string, pipeline: string, now: number, maxSkewMs: number): Promise<Checkpoint | RejectReason> {
  const cp = decodeCheckpoint(bytes)
  if (cp === undefined) return 'malformed'
  if (cp.time > now + maxSkewMs) return 'future-time'
  let ok: boolean
  try {
    ok = await verify(cp.author, signedBytes(network, pipeline, cp.author, cp.seq, cp.head, cp.time), cp.signature)
  } catch {
    // not a valid key: as good as a bad signature
    ok = false
  }
  return ok ? cp : 'bad-signature'
}
