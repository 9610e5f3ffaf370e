import type { ServerResponse } from 'node:http';
import { errorCodes, isErrorCode, problemTypeOf, statusOfCode } from '../errors/index.js';

export interface ProblemDetails {
  /** A catalogue code (src/errors/codes.ts): it decides the HTTP status, `type` and `title`. */
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
  const status = statusOfCode(problem.code);
  const body = JSON.stringify({ type: problemTypeOf(problem.code), title, status, ...problem });
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
