export { createAuthenticator, type Authenticator } from './authenticate.js';
export { encodeHeaderValue, identityHeaders } from './forward-identity.js';
export { authSchema, defaultForwardHeaders, type AuthOptions } from './auth-options.js';
export { sha256Hex } from './api-key-verifier.js';
export type { Identity } from './identity.js';
