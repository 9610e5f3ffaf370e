export { authDirectivesSdl, type AuthPolicy } from './sdl.js';
export { createAuthorizationDecider, checkPolicy } from './authorization.js';
