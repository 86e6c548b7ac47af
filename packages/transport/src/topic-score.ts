import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import type { GossipSub } from '@libp2p/gossipsub'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'

/**
 * Score parameters of every subscribed topic: only invalid (rejected)
 * messages count, each lowering the sender's score by 10 × count² (P4 of the
 * gossipsub v1.1 score), decaying by 10% a second. Three rejects in a row
 * bring a peer below the graylist threshold (-80). The other components stay
 * off so a quiet topic never penalises an honest mesh peer.
 */
export const TOPIC_SCORE_PARAMS: TopicScoreParams = createTopicScoreParams({
  topicWeight: 1,
  timeInMeshWeight: 0,
  firstMessageDeliveriesWeight: 0,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.9
})

/**
 * Turns on scoring of a topic. Without topic parameters gossipsub does not
 * count rejected messages against the peer, so a `reject` would not lower
 * its score. The parameters live on the running router (`score.params`), which
 * the GossipSub type does not expose; if that field is ever missing, this does
 * nothing and rejects are still dropped and counted.
 */
export function scoreTopic (pubsub: GossipSub, topic: string): void {
  const topics = (pubsub as unknown as { score?: { params?: { topics?: Record<string, TopicScoreParams> } } }).score?.params?.topics
  if (topics !== undefined && topics[topic] === undefined) topics[topic] = TOPIC_SCORE_PARAMS
}

/**
 * Forgets the PRUNE backoff of a peer that disconnected, on every topic.
 * A peer that left the topics before stopping PRUNEd us, and gossipsub then
 * refuses to mesh with it for its whole prune backoff (a minute): a node that
 * restarted cleanly would only be reached through gossip heartbeats. Once it
 * is gone, that backoff protects nothing; when it comes back, gossipsub
 * grafts it at once on its subscription. The map lives on the running router
 * (`backoff`, not in the GossipSub type); if it is ever missing, this does
 * nothing.
 */
export function forgetBackoff (pubsub: GossipSub, peerId: string): void {
  const backoff = (pubsub as unknown as { backoff?: Map<string, Map<string, number>> }).backoff
  if (!(backoff instanceof Map)) return
  for (const peers of backoff.values()) peers.delete(peerId)
}
