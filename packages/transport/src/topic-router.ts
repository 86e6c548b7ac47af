import { TopicValidatorResult } from '@libp2p/gossipsub'
import { scoreTopic } from './topic-score.js'
import type { FloodGuard } from './flood-guard.js'
import type { PipesServices } from './libp2p-options.js'
import type { MessageHandler, MessageValidator, TopicStats, TransportMessage, Validation } from './types.js'
import type { Message, TopicValidatorFn } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

interface Subscription { handler: MessageHandler, validate: MessageValidator | undefined }

type Pubsub = PipesServices['pubsub']

const VERDICTS: Record<Validation, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject
}

/** What the topic router needs from its transport. */
export interface TopicRouterHost {
  /** The running gossipsub, or undefined while the transport is stopped. */
  pubsub (): Pubsub | undefined
  readonly flood: FloodGuard
  /** Counters it moves: messages of a banned peer, handler errors. */
  readonly counters: { bannedMessages: number, handlerErrors: number }
  /** A peer went over its flood budget. */
  cutOff (peer: PeerId): void
}

/**
 * The gossip topics of a transport: who subscribed to each (a handler and
 * maybe a validator), the validator gossipsub runs for a topic (every
 * subscriber's, the strictest verdict wins, a rejecting peer charged to the
 * flood guard), delivery of accepted messages, and per-topic counts.
 */
export class TopicRouter {
  readonly #host: TopicRouterHost
  readonly #subs = new Map<string, Set<Subscription>>()
  readonly #stats = new Map<string, TopicStats>()

  constructor (host: TopicRouterHost) {
    this.#host = host
  }

  /** Joins every subscribed topic on a gossipsub that just started. */
  joinAll (pubsub: Pubsub): void {
    for (const topic of this.#subs.keys()) this.#join(pubsub, topic)
  }

  #join (pubsub: Pubsub, topic: string): void {
    pubsub.topicValidators.set(topic, this.#validatorFor(topic))
    scoreTopic(pubsub, topic)
    pubsub.subscribe(topic)
  }

  /** Adds a subscriber of `topic` (joining it on first); returns what removes it (leaving on last). */
  subscribe (topic: string, handler: MessageHandler, validate?: MessageValidator): () => void {
    const sub: Subscription = { handler, validate }
    let subs = this.#subs.get(topic)
    if (subs === undefined) {
      subs = new Set()
      this.#subs.set(topic, subs)
      const pubsub = this.#host.pubsub()
      if (pubsub !== undefined) this.#join(pubsub, topic)
    }
    subs.add(sub)
    return () => {
      const current = this.#subs.get(topic)
      if (current === undefined || !current.delete(sub) || current.size > 0) return
      this.#subs.delete(topic)
      const pubsub = this.#host.pubsub()
      if (pubsub !== undefined) {
        pubsub.unsubscribe(topic)
        pubsub.topicValidators.delete(topic)
      }
    }
  }

  /** Counts of every topic seen, copied. */
  stats (): Record<string, TopicStats> {
    const topics: Record<string, TopicStats> = {}
    for (const [topic, stats] of this.#stats) topics[topic] = { ...stats }
    return topics
  }

  #statsOf (topic: string): TopicStats {
    let stats = this.#stats.get(topic)
    if (stats === undefined) {
      stats = { accepted: 0, ignored: 0, rejected: 0, validatorErrors: 0 }
      this.#stats.set(topic, stats)
    }
    return stats
  }

  #validatorFor (topic: string): TopicValidatorFn {
    return async (peer, msg) => {
      const stats = this.#statsOf(topic)
      const from = peer.toString()
      const flood = this.#host.flood
      // cheapest check first: the rest of a cut-off peer's RPC frame is not decoded or verified
      if (flood.isBanned(from)) {
        this.#host.counters.bannedMessages++
        return TopicValidatorResult.Reject
      }
      const message: TransportMessage = { topic, data: msg.data, from }
      let verdict: Validation = 'accept'
      try {
        for (const sub of this.#subs.get(topic) ?? []) {
          if (sub.validate === undefined) continue
          const result = await sub.validate(message)
          if (result === 'reject') { verdict = 'reject'; break }
          if (result === 'ignore') verdict = 'ignore'
          else if (result !== 'accept') throw new TypeError(`validator returned ${String(result)}`)
        }
      } catch {
        // a validator that throws is a bug on our side, not proof the peer misbehaved
        stats.validatorErrors++
        verdict = 'ignore'
      }
      if (verdict === 'accept') stats.accepted++
      else if (verdict === 'ignore') stats.ignored++
      else {
        stats.rejected++
        if (flood.reject(from)) this.#host.cutOff(peer)
      }
      return VERDICTS[verdict]
    }
  }

  /** Hands an accepted message to every subscriber of its topic; a handler's error is counted. */
  deliver (msg: Message, from: string): void {
    const subs = this.#subs.get(msg.topic)
    if (subs === undefined) return
    const message: TransportMessage = { topic: msg.topic, data: msg.data, from }
    for (const sub of [...subs]) {
      try {
        sub.handler(message)
      } catch {
        this.#host.counters.handlerErrors++
      }
    }
  }
}
