export { createAuthenticator, type AuthOutcome, type Authenticator } from './authenticate.js';
export { encodeHeaderValue, identityHeaders } from './forward-identity.js';
export { authSchema, type AuthOptions, type JwtOptions } from './auth-options.js';
export { sha256Hex } from './api-key-verifier.js';
export { AuthFailure } from './auth-failure.js';
export type { Identity } from './identity.js';
