import { bytesToHex, equalBytes, hexToBytes, hkdf, randomBytes, x25519PublicKey, x25519SharedSecret } from '@pipes/identity'
import { contextBytes } from './context-bytes.js'

const CHAIN_INFO = 'pipes/p2p/chain/v1'
const MESSAGE_KEY_INFO = 'pipes/p2p/message-key/v1'
const CHAIN_STEP_INFO = 'pipes/p2p/chain-step/v1'

/** Most chain steps one envelope may skip (envelopes of the peer we never got: expired, or lost with a store). */
export const MAX_SKIP = 10_000
/** Most of our reply key pairs kept for the peer to address (chains it has not seen yet): the oldest is dropped past it. */
export const MAX_RATCHET_KEYS = 32

/** What the envelope header carries. */
export interface RatchetHeader {
  /** The sender's ephemeral X25519 key of this chain (its secret was deleted once the chain was seeded). */
  dh: Uint8Array
  /** The recipient's key the chain was agreed with: its newest reply key the sender had seen, or its identity's X25519 key. */
  target: Uint8Array
  /** The sender's reply key: the recipient's next chain is agreed with it. */
  reply: Uint8Array
  /** Index of the message in the chain, from 0. */
  n: number
}

interface Chain {
  /** Chain key of message `n` (the next to send, or the next expected). */
  ck: Uint8Array
  n: number
  /** The sender's ephemeral key. */
  dh: Uint8Array
  /** The recipient's key it was agreed with. */
  target: Uint8Array
  /** The sender's reply key. */
  reply: Uint8Array
}

/** The two ends and the scope a chain is bound to. */
export interface RatchetScope {
  network: string
  name: string
  /** Our ed25519 key and the peer's (the direction of a chain is bound in). */
  self: Uint8Array
  peer: Uint8Array
  /** The key a first flight is agreed with: the peer's newest prekey, else its identity's X25519 key. */
  firstTarget: () => Uint8Array
  /** Our secret of a key a peer's first flight may name (our identity's X25519 key, a prekey we still keep). */
  firstSecret: (key: Uint8Array) => Uint8Array | undefined
  /** The static pair key: the salt of every chain, so a chain needs both the ephemeral and the identity secrets. */
  pairKey: Uint8Array
}

/**
 * The key ratchet of one point-to-point pipeline (Double-Ratchet-like, a
 * chain per direction and turn): a sender's chain is seeded by X25519
 * between a fresh ephemeral key (its secret deleted at once) and the
 * recipient's newest reply key the sender has seen (until the recipient
 * has written once: its newest signed prekey, else its identity key), with the static
 * pair key as salt. Every message key is one HKDF step of the chain, used
 * once and forgotten; the chain key moves on. Each chain also announces a
 * fresh reply key of the sender, so the recipient's next message starts a
 * new chain; a reply key's secret is deleted once the peer's chain agreed
 * with it is opened. So once the recipient has opened a chain, neither end
 * holds anything that re-derives it, whoever steals their keys later:
 * forward secrecy for everything but a first flight (the messages sent
 * before the sender saw any reply key of the peer), which the recipient's
 * prekey opens until the recipient deletes it (its identity key, when the
 * sender knew no prekey of it).
 *
 * Envelopes of one direction are opened in seq order (the mailbox
 * delivers each author's in order), so a chain only moves forward.
 */
export class PairRatchet {
  readonly #scope: RatchetScope
  #send: Chain | undefined
  #receive: Chain | undefined
  /** Our reply key pairs the peer may still address, oldest first. */
  #keys: Array<{ pub: Uint8Array, secret: Uint8Array }> = []
  /** The peer's newest reply key seen: our next chain is agreed with it. */
  #peerLatest: Uint8Array | undefined

  constructor (scope: RatchetScope, saved?: Uint8Array) {
    this.#scope = scope
    if (saved !== undefined) this.#load(saved)
  }

  /** The header and message key of our next envelope (a new chain when the peer wrote since our last one). */
  next (): { header: RatchetHeader, key: Uint8Array } {
    const s = this.#scope
    const target = this.#peerLatest ?? s.firstTarget()
    let chain = this.#send
    if (chain === undefined || !equalBytes(chain.target, target)) {
      const ephemeral = randomBytes(32)
      const dh = x25519PublicKey(ephemeral)
      const replySecret = randomBytes(32)
      const reply = x25519PublicKey(replySecret)
      this.#keys.push({ pub: reply, secret: replySecret })
      if (this.#keys.length > MAX_RATCHET_KEYS) this.#keys.shift()
      chain = { ck: this.#seed(x25519SharedSecret(ephemeral, target), s.self, s.peer, dh, target, reply), n: 0, dh, target, reply }
      ephemeral.fill(0)
      this.#send = chain
    }
    const key = messageKey(chain.ck)
    const header = { dh: chain.dh, target, reply: chain.reply, n: chain.n }
    chain.ck = step(chain.ck)
    chain.n++
    return { header, key }
  }

  /**
   * The message key of a peer's envelope with this header, and `commit`,
   * which moves the receiving chain past it (call it once the envelope
   * opened). Undefined when we no longer hold the key it was agreed with,
   * or the chain is already past it.
   */
  open (header: RatchetHeader): { key: Uint8Array, commit: () => void } | undefined {
    const s = this.#scope
    const current = this.#receive
    const same = current !== undefined && equalBytes(current.dh, header.dh) && equalBytes(current.target, header.target) && equalBytes(current.reply, header.reply)
    let chain: Chain
    if (same) {
      chain = current
    } else {
      // a new chain: agreed with one of our reply keys (deleted once its chain opens), a prekey or our identity key
      const ours = this.#keys.find(k => equalBytes(k.pub, header.target))?.secret ?? s.firstSecret(header.target)
      if (ours === undefined) return undefined
      let shared: Uint8Array
      try {
        shared = x25519SharedSecret(ours, header.dh)
        // our next chain is agreed with its reply key: a small-order one would fail our puts later
        usableKey(header.reply)
      } catch {
        return undefined
      }
      chain = { ck: this.#seed(shared, s.peer, s.self, header.dh, header.target, header.reply), n: 0, dh: header.dh, target: header.target, reply: header.reply }
    }
    if (header.n < chain.n || header.n - chain.n > MAX_SKIP) return undefined
    let ck = chain.ck
    for (let i = chain.n; i < header.n; i++) ck = step(ck)
    const key = messageKey(ck)
    return {
      key,
      commit: () => {
        this.#receive = { ck: step(ck), n: header.n + 1, dh: header.dh, target: header.target, reply: header.reply }
        this.#peerLatest = header.reply
        // the peer agrees one chain per reply key of ours, and this one is open now: that key and older ones go
        const i = this.#keys.findIndex(k => equalBytes(k.pub, header.target))
        if (i >= 0) for (const k of this.#keys.splice(0, i + 1)) k.secret.fill(0)
      }
    }
  }

  /** How many of our reply-key secrets are held (old ones are deleted). */
  get heldKeys (): number { return this.#keys.length }

  /** The state to store (chain keys and reply-key secrets: what opens the next envelopes, nothing that opens earlier ones). */
  save (): Uint8Array {
    const chain = (c: Chain | undefined): unknown => c === undefined ? null : { ck: bytesToHex(c.ck), n: c.n, dh: bytesToHex(c.dh), target: bytesToHex(c.target), reply: bytesToHex(c.reply) }
    return new TextEncoder().encode(JSON.stringify({
      v: 1,
      send: chain(this.#send),
      receive: chain(this.#receive),
      keys: this.#keys.map(k => [bytesToHex(k.pub), bytesToHex(k.secret)]),
      peerLatest: this.#peerLatest === undefined ? null : bytesToHex(this.#peerLatest)
    }))
  }

  #load (saved: Uint8Array): void {
    try {
      const o = JSON.parse(new TextDecoder().decode(saved)) as { v: number, send: SavedChain | null, receive: SavedChain | null, keys: Array<[string, string]>, peerLatest: string | null }
      if (o.v !== 1) return
      const chain = (c: SavedChain | null): Chain | undefined => c === null ? undefined : { ck: hexToBytes(c.ck), n: c.n, dh: hexToBytes(c.dh), target: hexToBytes(c.target), reply: hexToBytes(c.reply) }
      this.#send = chain(o.send)
      this.#receive = chain(o.receive)
      this.#keys = o.keys.map(([pub, secret]) => ({ pub: hexToBytes(pub), secret: hexToBytes(secret) }))
      this.#peerLatest = o.peerLatest === null ? undefined : hexToBytes(o.peerLatest)
    } catch {
      // a damaged state: start again (the peer's envelopes to the lost keys do not open; our next one starts a chain)
      this.#send = undefined
      this.#receive = undefined
      this.#keys = []
      this.#peerLatest = undefined
    }
  }

  #seed (shared: Uint8Array, author: Uint8Array, recipient: Uint8Array, dh: Uint8Array, target: Uint8Array, reply: Uint8Array): Uint8Array {
    const s = this.#scope
    return hkdf(shared, { salt: s.pairKey, info: contextBytes(CHAIN_INFO, s.network, s.name, author, recipient, dh, target, reply) })
  }
}

interface SavedChain { ck: string, n: number, dh: string, target: string, reply: string }

/**
 * Throws (KeyAgreementError) unless a peer's X25519 key gives a usable
 * agreement (it is not of small order): checked before we agree with it.
 */
export function usableKey (key: Uint8Array): void {
  x25519SharedSecret(randomBytes(32), key)
}

function messageKey (ck: Uint8Array): Uint8Array {
  return hkdf(ck, { info: MESSAGE_KEY_INFO })
}

function step (ck: Uint8Array): Uint8Array {
  return hkdf(ck, { info: CHAIN_STEP_INFO })
}
