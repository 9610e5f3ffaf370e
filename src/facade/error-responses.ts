import { errorCodes, problemTypeOf, type ErrorCode } from '../errors/index.js';
import type { RestEndpoint } from './model.js';
import type { JsonSchema } from './json-schema.js';

/**
 * The catalogue codes an endpoint can answer with, as problem+json. Their statuses, titles and
 * types come from the catalogue (src/errors/codes.ts); this list only says which apply here.
 */
const everyEndpoint = [
  // parameters (facade coercion, graphql-js), the operation's limits, a malformed trusted user header
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'QUERY_TOO_COMPLEX',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'AUTH_UNAVAILABLE',
  // quotas and field limits; a rate-limit store that cannot be reached when the gateway fails closed
  'RATE_LIMITED',
  'RATE_LIMIT_UNAVAILABLE',
  // a null answer; a path parameter that does not fit its segment
  'RESOURCE_NOT_FOUND',
  'NOT_FOUND',
  // the backend's answer (e.g. an unknown or malformed cursor, an order without items: 422), or a call that cannot be built
  'UPSTREAM_REJECTED',
  'SOURCE_CALL_INVALID',
  'UPSTREAM_ERROR',
  'UPSTREAM_BAD_RESPONSE',
  'UPSTREAM_UNAVAILABLE',
  'CIRCUIT_OPEN',
  'UPSTREAM_TIMEOUT',
] as const satisfies readonly ErrorCode[];
const withBody = [
  'LENGTH_REQUIRED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
] as const satisfies readonly ErrorCode[];

/**
 * The codes a documented operation never answers with: METHOD_NOT_ALLOWED (another method on a
 * documented path is no operation), CSRF_ERROR (GraphQL endpoints only), GRAPHQL_PARSE_FAILED
 * (stored operations are parsed at load), INTERNAL_SERVER_ERROR (a bug: the property test fails on
 * it) and CONFIG_INVALID (start-up). A code added to the catalogue fails type-checking here until
 * it is placed in one of these lists, so the documents cannot silently miss it.
 */
type NotFromOperations =
  | 'METHOD_NOT_ALLOWED'
  | 'CSRF_ERROR'
  | 'GRAPHQL_PARSE_FAILED'
  | 'INTERNAL_SERVER_ERROR'
  | 'CONFIG_INVALID';
type Unplaced<T extends never> = T;
export type UnplacedFacadeCodes = Unplaced<
  Exclude<ErrorCode, (typeof everyEndpoint)[number] | (typeof withBody)[number] | NotFromOperations>
>;

const problemRef = { $ref: '#/components/schemas/Problem' };
const integer = { type: 'integer' };
const rateLimitHeaders = {
  'RateLimit-Limit': { description: 'Requests allowed in the tightest window', schema: integer },
  'RateLimit-Remaining': { description: 'Requests left in that window', schema: integer },
  'RateLimit-Reset': { description: 'Seconds until the window has fully reset', schema: integer },
};

function errorCodesOf(endpoint: RestEndpoint): ErrorCode[] {
  return endpoint.method === 'GET' || endpoint.method === 'DELETE'
    ? [...everyEndpoint]
    : [...everyEndpoint, ...withBody];
}

/** OpenAPI responses for the endpoint's error statuses: per status, the Problem with exactly the codes that status carries. */
export function errorResponses(endpoint: RestEndpoint): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(endpoint)) {
    const status = errorCodes[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schema: JsonSchema = {
      allOf: [
        problemRef,
        {
          properties: { status: { const: status }, code: { enum: codes }, type: { enum: codes.map(problemTypeOf) } },
        },
      ],
    };
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${errorCodes[code].message}`).join('; '),
      content: { 'application/problem+json': { schema } },
      ...(status === errorCodes.RATE_LIMITED.status
        ? { headers: { 'Retry-After': { schema: integer }, ...rateLimitHeaders } }
        : {}),
    };
  }
  return responses;
}

export { rateLimitHeaders };

/** components.schemas.Problem: RFC 9457 problem details with the facade's extensions. */
export const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: integer,
    code: { type: 'string', description: 'Stable error code (see the README error table)' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: 'Invalid parameters, one entry each',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, in: { enum: ['path', 'query', 'body'] }, message: { type: 'string' } },
        required: ['field', 'in', 'message'],
      },
    },
    reason: { type: 'string', description: 'Why credentials were refused (401)' },
    source: { type: 'string', description: 'The backend an upstream error comes from' },
    retryAfter: { type: 'integer', description: 'Seconds to wait (429)' },
  },
  required: ['type', 'title', 'status', 'code'],
};
