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
