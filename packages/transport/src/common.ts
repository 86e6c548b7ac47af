// Everything both entries (Node and browser) export, except createTransport.
export { FrameTooLargeError, UnusableIdentityError, InvalidNetworkConfigError, InvalidPeerAddressError, PeerNotFoundError, StreamResetError, TransportStoppedError } from './errors.js'
export { DEFAULT_MAX_FRAME_BYTES } from './frame-stream.js'
export type { FrameStream } from './frame-stream.js'
export { generatePsk, protocolFor, resolveNetworkConfig, topicFor } from './network-config.js'
export { libp2pOf } from './pipes-transport.js'
export type { NetworkConfig, ResolvedNetworkConfig } from './network-config.js'
export type { RedialOptions } from './redialer.js'
export type { FloodBudgetOptions } from './flood-guard.js'
export type {
  CreateTransportInit, MessageHandler, MessageIdFn, MessageValidator, PublishResult, StreamHandler, TopicStats,
  Transport, TransportEvents, TransportIdentity, TransportMessage, TransportOptions, TransportStats, Validation
} from './types.js'
export type { PipesServices } from './libp2p-options.js'
