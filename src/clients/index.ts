export { clientFileSchema, defaultLimits, type ClientOptions } from './client-options.js';
export { parseClientSchema, type ClientDefinition } from './parse-client.js';
export { checkClientSchema } from './check-client-schema.js';
export { buildClientSchema } from './build-client-schema.js';
export { clientDirectivesSdl } from './client-directives.js';
export { checkClientPaths } from './check-client-paths.js';
