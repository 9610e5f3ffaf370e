import { sourceDirectivesSdl } from '../sources/index.js';
import { clientDirectivesSdl } from '../clients/index.js';
import { authDirectivesSdl } from '../directives/auth/index.js';
import { rateLimitDirectiveSdl } from '../directives/rate-limit/sdl.js';
import { restDirectiveSdl } from '../facade/rest-directive.js';

/**
 * Definitions of every directive Facet reads, for editors and linters (e.g. a graphql-config
 * `schema` entry), which otherwise flag them as unknown. Facet itself does not load this text:
 * the loaders check usages against their own tables, and a unit test keeps both in step.
 */
export function directiveDefinitions(): string {
  return [
    '# Directives of source files (schema/<name>.graphql)',
    'scalar JSON',
    sourceDirectivesSdl.trim(),
    '',
    '# Directives of client schemas (clients/<name>/schema.graphql)',
    clientDirectivesSdl.trim(),
    authDirectivesSdl.trim(),
    rateLimitDirectiveSdl.trim(),
    '',
    '# Directive of REST facade operations (clients/<name>/rest/v<n>/<endpoint>.graphql)',
    restDirectiveSdl.trim(),
  ].join('\n');
}
