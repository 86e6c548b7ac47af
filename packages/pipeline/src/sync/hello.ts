import { randomBytes } from '@pipes/identity'
import { concat, pb, toHex, utf8 } from '../bytes.js'
import { sha256 } from '../sha256.js'
import type { SyncFrame } from '../sync.pb.js'

const HELLO_DOMAIN = utf8('pipes/sync/hello/v1')
/** Bytes of the initiator's salt and of each salted name hash. */
export const HELLO_HASH_BYTES = 16

function nameHash (salt: Uint8Array, name: string): Uint8Array {
  return sha256(concat(HELLO_DOMAIN, salt, utf8(name))).subarray(0, HELLO_HASH_BYTES)
}

/**
 * The initiator's HELLO: a fresh salt and a salted hash of each pipeline
 * name it keeps, no names. A peer learns only the names it keeps itself
 * (or guesses): the salt makes the hashes differ in every session, so they
 * cannot be matched across sessions or peers.
 */
export function helloOffer (names: Iterable<string>): Partial<SyncFrame> {
  const salt = randomBytes(HELLO_HASH_BYTES)
  return { salt: pb(salt), offers: [...names].map(n => pb(nameHash(salt, n))) }
}

/**
 * The pipelines of `mine` a HELLO names: those it lists (a responder's
 * answer, in its order), then those whose salted hash it offers (an
 * initiator's, in our order). Undefined when it names one twice (a
 * protocol error). Both ends so take the pipelines in the responder's order.
 */
export function helloMatch (hello: SyncFrame, mine: ReadonlyMap<string, unknown>): string[] | undefined {
  const offered = new Set<string>()
  for (const o of hello.offers) offered.add(toHex(o))
  if (offered.size !== hello.offers.length || new Set(hello.pipelines).size !== hello.pipelines.length) return undefined
  const shared = hello.pipelines.filter(name => mine.has(name))
  if (offered.size === 0) return shared
  const listed = new Set(shared)
  for (const name of mine.keys()) {
    if (!listed.has(name) && offered.has(toHex(nameHash(hello.salt, name)))) shared.push(name)
  }
  return shared
}
