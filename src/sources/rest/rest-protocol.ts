import type { HttpCall } from '../model.js';
import type { SourceProtocol } from '../protocol.js';
import { compileHttpCall } from './compile-http-call.js';
import { createHttpClient, type HttpClient } from './http-client.js';
import { httpUrlOf } from './http-transport.js';
import { httpTemplates, parseHttpCall } from './parse-http-call.js';
import { classifyHttpFailure } from './rest-failures.js';

/** REST backends over undici: `@source(protocol: REST, url: "http://host:port")` and `@http` fields. */
export const restProtocol: SourceProtocol<HttpClient> = {
  name: 'REST',
  label: 'REST',
  callKind: 'http',
  directive: {
    name: 'http',
    sdl: `"A REST call: exactly one of GET/POST/PUT/PATCH/DELETE with a path template."
directive @http(GET: String, POST: String, PUT: String, PATCH: String, DELETE: String,
                query: JSON, body: JSON, headers: JSON, result: String) on FIELD_DEFINITION`,
    arguments: {
      required: [],
      optional: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'query', 'body', 'headers', 'result'],
    },
  },
  checkUrl(url) {
    const parsed = httpUrlOf(url);
    if (!parsed) return `url "${url}" is not an http(s) URL`;
    if (parsed.pathname !== '/' || parsed.search)
      return `url "${url}" must be an origin (scheme://host:port); put paths in @http`;
    return undefined;
  },
  parseCall: parseHttpCall,
  templatesOf: (call) => httpTemplates(call as HttpCall),
  createClient: (def) => createHttpClient(def),
  compile: (binding, client) => compileHttpCall(binding.call as HttpCall, client),
  classifyFailure: classifyHttpFailure,
};
