/**
 * The cryptography of point-to-point and encrypted pipelines, free of any
 * network or store: pipeline keys, the encrypted and point-to-point payload
 * codecs, and the membership / key-schedule state machine.
 */
export { DEFAULT_PASSPHRASE_COST, PIPELINE_KEY_BYTES, epochPayloadKey, pipelineKeyFromPassphrase, pipelineKeyFromSharedKey } from './pipeline-key.js'
export type { KeyScope, PassphraseCost } from './pipeline-key.js'
export { EncryptedCodec, payloadAad, staticKeyring } from './encrypted-codec.js'
export type { Keyring, PayloadMeta, SealedEntry } from './encrypted-codec.js'
export { PAIR_TAG_BYTES, PairCodec, pairKey } from './pair-codec.js'
export { Membership } from './membership.js'
export type { ApplyOutcome, ControlInput, MembershipStats } from './membership.js'
export { decodeControlRecord, encodeControlRecord, grantPlaintext, MAX_EPOCH, MAX_RECORD_MEMBERS } from './control-record.js'
export type { ControlRecord, KeyGrant, MemberRef } from './control-record.js'
export { InvalidSecureOptionError, KeyUnavailableError, MembershipError, PayloadAuthenticationError } from './errors.js'
