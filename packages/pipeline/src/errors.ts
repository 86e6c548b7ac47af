import { PipesError } from '@pipes/identity'

/** A packet is larger than its pipeline's `maxPacketBytes`; nothing was stored or sent. */
export class PacketTooLargeError extends PipesError {
  static override name = 'PacketTooLargeError'
  readonly size: number
  readonly limit: number
  constructor (size: number, limit: number, pipeline: string) {
    super('ERR_PACKET_TOO_LARGE', `packet of ${size} bytes is over the ${limit}-byte limit of pipeline "${pipeline}": split it, or create the pipeline with a larger maxPacketBytes`)
    this.size = size
    this.limit = limit
  }
}

/** `createPipeline` was called with a name that exists with other options. */
export class PipelineExistsError extends PipesError {
  static override name = 'PipelineExistsError'
  constructor (name: string, existing: string, wanted: string) {
    super('ERR_PIPELINE_EXISTS', `pipeline "${name}" already exists as ${existing}, not ${wanted}: use pipelineNamed("${name}") or another name`)
  }
}

/** A pipeline name breaks the rules (1 to 128 characters of letters, digits, `.`, `_`, `-`, `:`, `#`, `@`, `+`, `=`). */
export class InvalidPipelineNameError extends PipesError {
  static override name = 'InvalidPipelineNameError'
  constructor (message: string) { super('ERR_INVALID_PIPELINE_NAME', message) }
}

/** An argument has the wrong type or an option is out of range (the message names it). */
export class InvalidPipelineArgumentError extends PipesError {
  static override name = 'InvalidPipelineArgumentError'
  constructor (message: string) { super('ERR_INVALID_ARGUMENT', message) }
}

/** The node was stopped; create a new node to go on. */
export class NodeStoppedError extends PipesError {
  static override name = 'NodeStoppedError'
  constructor (what: string) { super('ERR_NODE_STOPPED', `cannot ${what}: the Pipes node was stopped; create a new node (stop is final)`) }
}

/** The datastore failed or holds records this library cannot read; the pipeline stops taking writes. */
export class StoreFailedError extends PipesError {
  static override name = 'StoreFailedError'
  constructor (message: string, options?: { cause?: unknown }) { super('ERR_STORE_FAILED', message, options) }
}
