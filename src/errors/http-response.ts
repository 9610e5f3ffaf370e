import type { ServerResponse } from 'node:http';
import { errorCodes, type ErrorCode } from './codes.js';

/** Writes a request-level error (before or outside GraphQL execution) as a GraphQL-shaped JSON body. */
export function sendJsonError(
  res: ServerResponse,
  code: ErrorCode,
  options: { message?: string; headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
): void {
  const info = errorCodes[code];
  const body = JSON.stringify({
    errors: [{ message: options.message ?? info.message, extensions: { code, ...options.extensions } }],
  });
  res.writeHead(info.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...options.headers,
  });
  res.end(body);
}
