// The typed errors of point-to-point and encrypted pipelines live with the package's others.
export { InvalidSecureOptionError, KeyUnavailableError, MembershipError, PayloadAuthenticationError } from '../errors.js'
