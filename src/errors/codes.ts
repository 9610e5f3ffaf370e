/**
 * The error-code catalogue: every code a client or operator can see, with its HTTP status and a
 * one-line remedy. The README's error table is checked against this list by a unit test.
 */
export interface ErrorCodeInfo {
  /** HTTP status when the error decides the response status (request-level errors). */
  status: number;
  /** Safe default message; never includes backend bodies, URLs or stack traces. */
  message: string;
  /** What the caller or operator can do about it. */
  remedy: string;
}

export const errorCodes = {
  // --- request level ---------------------------------------------------------------------------
  NOT_FOUND: {
    status: 404,
    message: 'No endpoint at this path',
    // both the GraphQL side (an unknown path) and the REST facade (an unknown version or route)
    remedy:
      'Use a client’s GraphQL path (/<client>/graphql, or its client.yaml `path`), a REST facade route of an existing version (listed in /<client>/<version>/openapi.json), /healthz, /readyz or /metrics.',
  },
  RESOURCE_NOT_FOUND: { status: 404, message: 'The resource does not exist', remedy: 'Check the id in the path.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'Method not allowed on this endpoint',
    remedy: 'GraphQL endpoints take GET (queries only) and POST; a REST facade route takes the methods in Allow.',
  },
  LENGTH_REQUIRED: {
    status: 411,
    message: 'A request body needs a Content-Length header',
    remedy: 'Send the body with Content-Length (no chunked upload).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'The body must be application/json',
    remedy: 'Send Content-Type: application/json.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'Request body is too large',
    remedy: 'Send a smaller document or raise limits.maxBodyBytes.',
  },
  BAD_REQUEST: {
    status: 400,
    message: 'Malformed request',
    remedy: 'Send a GraphQL-over-HTTP request: JSON body with "query".',
  },
  CSRF_ERROR: {
    status: 400,
    message: 'Blocked as a potential cross-site request forgery',
    remedy:
      'Send POST with Content-Type: application/json, or a non-empty X-Facet-CSRF (or Apollo-Require-Preflight) header on GET.',
  },
  GRAPHQL_PARSE_FAILED: {
    status: 400,
    message: 'The GraphQL document has a syntax error',
    remedy: 'Fix the syntax at the reported location.',
  },
  GRAPHQL_VALIDATION_FAILED: {
    status: 400,
    message: 'The GraphQL document is not valid for this client',
    remedy: 'Ask only for fields of this client’s schema.',
  },
  BAD_USER_INPUT: {
    status: 400,
    message: 'A variable or argument is invalid',
    remedy: 'Fix the variable named in the error.',
  },
  QUERY_TOO_COMPLEX: {
    status: 400,
    message: 'The request exceeds a depth, nesting, alias, token, cost, list-size or upstream-call limit',
    remedy: 'Split the query, send shorter lists, or raise the client’s limits.',
  },
  UNAUTHENTICATED: {
    status: 401,
    message: 'Authentication is required',
    remedy: 'Send valid credentials for this client.',
  },
  AUTH_UNAVAILABLE: {
    status: 503,
    message: 'Credentials cannot be verified right now',
    remedy: 'Retry later; the signing keys (JWKS) could not be fetched.',
  },
  FORBIDDEN: { status: 403, message: 'Not allowed', remedy: 'Use credentials with the required scopes.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests', remedy: 'Wait for Retry-After seconds.' },
  RATE_LIMIT_UNAVAILABLE: {
    status: 503,
    message: 'Rate limits cannot be checked right now',
    remedy:
      'Retry after Retry-After seconds; the rate-limit store (Redis) is unreachable and rateLimitStore.onError is deny.',
  },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    message: 'Unexpected error',
    remedy: 'Report it with the x-request-id; details are in the gateway log.',
  },
  // --- upstream (field level: partial data + this error, HTTP 200) ------------------------------
  UPSTREAM_UNAVAILABLE: {
    status: 503,
    message: 'The backend is unavailable',
    remedy: 'Retry later; check the source’s health.',
  },
  UPSTREAM_TIMEOUT: {
    status: 504,
    message: 'The backend did not answer in time',
    remedy: 'Retry later or raise the source’s timeoutMs.',
  },
  UPSTREAM_ERROR: {
    status: 502,
    message: 'The backend answered with an error',
    remedy: 'Check the backend; the gateway log has its status.',
  },
  UPSTREAM_BAD_RESPONSE: {
    status: 502,
    message: 'The backend answered with a malformed or too large response',
    remedy:
      'Check the backend’s response format, or raise the source’s `maxResponseBytes` (`extensions.maxResponseBytes` says when the limit was hit).',
  },
  UPSTREAM_REJECTED: {
    status: 422,
    message: 'The backend rejected the request',
    remedy: 'Check the arguments you sent.',
  },
  SOURCE_CALL_INVALID: {
    status: 422,
    message: 'The backend call cannot be made: a value its URL path needs is empty',
    remedy:
      'Pass a non-empty value; if it comes from the parent object, fix the source’s {root.…} template (facet check warns).',
  },
  CIRCUIT_OPEN: {
    status: 503,
    message: 'The backend is failing; calls are paused',
    remedy: 'Retry after the circuit’s cool-down.',
  },
  // --- configuration (facet check / start-up) ---------------------------------------------------
  CONFIG_INVALID: {
    status: 500,
    message: 'The configuration is invalid',
    remedy: 'Run `facet check --dir <folder>` and fix each listed problem.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof errorCodes;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}

/** HTTP status of a code as the REST facade answers it; anything unknown is a 500. */
export function statusOfCode(code: unknown): number {
  return isErrorCode(code) ? errorCodes[code].status : errorCodes.INTERNAL_SERVER_ERROR.status;
}

/** The RFC 9457 problem `type` of a code. */
export const problemTypeOf = (code: string): string => `urn:facet:error:${code}`;

/**
 * Why a credential is refused: the reason clients and logs see (never the credential itself),
 * the code that decides the answer, and the default message. The README lists every reason.
 */
export const authRefusalReasons = {
  missing_credentials: { code: 'UNAUTHENTICATED', message: 'credentials are required' },
  malformed_authorization: { code: 'UNAUTHENTICATED', message: 'Authorization header must be "Bearer <token>"' },
  malformed_token: { code: 'UNAUTHENTICATED', message: 'token is malformed' },
  token_too_large: { code: 'UNAUTHENTICATED', message: 'token is too large' },
  token_expired: { code: 'UNAUTHENTICATED', message: 'token has expired' },
  token_not_yet_valid: { code: 'UNAUTHENTICATED', message: 'token is not valid yet' },
  wrong_issuer: { code: 'UNAUTHENTICATED', message: 'token has the wrong issuer' },
  wrong_audience: { code: 'UNAUTHENTICATED', message: 'token is not for this audience' },
  invalid_claims: { code: 'UNAUTHENTICATED', message: 'token claims are invalid' },
  bad_signature: { code: 'UNAUTHENTICATED', message: 'token signature is invalid' },
  algorithm_not_allowed: { code: 'UNAUTHENTICATED', message: 'token algorithm is not allowed' },
  unknown_key: { code: 'UNAUTHENTICATED', message: 'token key id is unknown' },
  invalid_token: { code: 'UNAUTHENTICATED', message: 'token is invalid' },
  malformed_api_key: { code: 'UNAUTHENTICATED', message: 'API key is empty or too long' },
  unknown_api_key: { code: 'UNAUTHENTICATED', message: 'API key is not known' },
  revoked_api_key: { code: 'UNAUTHENTICATED', message: 'API key has been revoked' },
  invalid_user_header: { code: 'BAD_REQUEST', message: 'the user header must be one user id (letters, digits, _.:@-)' },
  // the signing keys (JWKS) cannot be fetched: not the caller's fault
  keys_unavailable: { code: 'AUTH_UNAVAILABLE', message: 'signing keys cannot be fetched right now' },
} as const satisfies Record<string, { code: ErrorCode; message: string }>;

export type AuthRefusalReason = keyof typeof authRefusalReasons;
