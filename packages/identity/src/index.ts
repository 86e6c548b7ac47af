/**
 * @packageDocumentation
 * Ed25519 identities for Pipes.
 */
export { PipesError } from './errors.js'
