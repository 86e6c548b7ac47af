/**
 * Introductions: how a user learns that someone opened a private
 * conversation with them. A point-to-point pipeline only delivers to a node
 * that created it with the right peer, so the first private message to a
 * user goes with an introduction on the chat's `<name>.intro` pipeline (a
 * persistent pipeline every chat carries, so it is stored and forwarded like
 * the main channel). Relays see who wrote an introduction, never to whom.
 *
 * Layout (version 1): `0x01`, then two sealed boxes (`@pipes/identity`
 * `sealTo`), each as a big-endian u16 length and its bytes: one sealed to the
 * recipient, one to the author (so the author's own chat finds its
 * conversations again after a restart). Both hold the same plaintext:
 * `"pipes/chat/intro/v1\n" + authorId + "\n" + recipientId`.
 */
import { peerIdFromPublicKey, publicKeyFromPeerId, sealTo, utf8Decode, utf8Encode } from '@pipes/identity'
import type { UserKey } from './users.js'
import type { Identity, LocalIdentity } from '@pipes/identity'
import type { Packet } from '@pipes/pipeline'

const VERSION = 1
const PREFIX = 'pipes/chat/intro/v1\n'
/** Longest box a valid introduction holds: a sealed box of two ids and the prefix, with room to spare. */
const MAX_BOX_BYTES = 512

/** Encodes an introduction by `author` for `recipient`. */
export function encodeIntroduction (author: Identity, recipient: UserKey): Uint8Array {
  const plaintext = utf8Encode(`${PREFIX}${author.id}\n${recipient.id}`)
  const boxes = [sealTo(recipient, plaintext), sealTo(author, plaintext)]
  const out = new Uint8Array(1 + boxes.reduce((n, b) => n + 2 + b.length, 0))
  const view = new DataView(out.buffer)
  out[0] = VERSION
  let at = 1
  for (const box of boxes) {
    view.setUint16(at, box.length)
    out.set(box, at + 2)
    at += 2 + box.length
  }
  return out
}

/**
 * Opens an introduction as `me`: the id of the other user of the
 * conversation when it names `me`; `undefined` when it is someone else's
 * (no box opens); `'malformed'` when it breaks the layout, or opens but does
 * not name its verified author and `me`.
 */
export function openIntroduction (me: LocalIdentity, packet: Packet): { peer: string } | 'malformed' | undefined {
  const boxes = splitBoxes(packet.data)
  if (boxes === undefined) return 'malformed'
  for (const box of boxes) {
    let plaintext: Uint8Array
    try {
      plaintext = me.open(box)
    } catch {
      continue // sealed to someone else
    }
    return namesOf(plaintext, packet.sender.id, me.id)
  }
  return undefined
}

function splitBoxes (data: Uint8Array): Uint8Array[] | undefined {
  if (data.length < 1 || data[0] !== VERSION) return undefined
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const boxes: Uint8Array[] = []
  let at = 1
  while (at < data.length) {
    if (boxes.length === 2 || at + 2 > data.length) return undefined
    const length = view.getUint16(at)
    if (length === 0 || length > MAX_BOX_BYTES || at + 2 + length > data.length) return undefined
    boxes.push(data.subarray(at + 2, at + 2 + length))
    at += 2 + length
  }
  return boxes.length === 2 ? boxes : undefined
}

function namesOf (plaintext: Uint8Array, authorId: string, meId: string): { peer: string } | 'malformed' {
  let text: string
  try {
    text = utf8Decode(plaintext)
  } catch {
    return 'malformed'
  }
  if (!text.startsWith(PREFIX)) return 'malformed'
  const [from, to, ...rest] = text.slice(PREFIX.length).split('\n')
  if (from === undefined || to === undefined || rest.length > 0) return 'malformed'
  // the author named in the box must be the one who signed the entry: nobody re-posts another's introduction as theirs
  if (from !== authorId || from === to || (meId !== from && meId !== to)) return 'malformed'
  try {
    if (peerIdFromPublicKey(publicKeyFromPeerId(to)) !== to) return 'malformed'
  } catch {
    return 'malformed'
  }
  return { peer: meId === from ? to : from }
}
