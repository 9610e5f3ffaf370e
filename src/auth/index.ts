export { createAuthenticator, identityHeaders, type AuthOutcome } from './authenticate.js';
export type { Identity } from './identity.js';
