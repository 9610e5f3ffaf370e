import type { ServerResponse } from 'node:http';
import { errorCodes, isErrorCode } from '../errors/index.js';

/** How a GraphQL error code reads as an HTTP status in the REST facade. */
const statusByCode: Record<string, number> = {
  UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429, BAD_USER_INPUT: 400, GRAPHQL_VALIDATION_FAILED: 400,
  QUERY_TOO_COMPLEX: 400, UPSTREAM_REJECTED: 422, UPSTREAM_UNAVAILABLE: 503, CIRCUIT_OPEN: 503, UPSTREAM_TIMEOUT: 504,
  UPSTREAM_ERROR: 502, UPSTREAM_BAD_RESPONSE: 502,
};

export function statusForCode(code: string | undefined): number {
  return (code ? statusByCode[code] : undefined) ?? 500;
}

export interface ProblemDetails {
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  requestId?: string;
  /** Field-by-field problems (invalid input). */
  errors?: Array<{ field: string; in: string; message: string }>;
  [extension: string]: unknown;
}

/** RFC 9457 application/problem+json, with a stable `code` and the request id. */
export function sendProblem(res: ServerResponse, problem: ProblemDetails, headers: Record<string, string> = {}): void {
  const title = isErrorCode(problem.code) ? errorCodes[problem.code].message : 'Error';
  const body = JSON.stringify({ type: `urn:facet:error:${problem.code}`, title, ...problem });
  res.writeHead(problem.status, { ...headers, 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
