import { GraphQLError } from 'graphql';
import { errorCodes, type ErrorCode } from './codes.js';

export interface GatewayErrorOptions {
  /** Overrides the catalogue's safe message; must never include backend bodies or URLs. */
  message?: string;
  /** Name of the source (backend) the error comes from. */
  source?: string;
  /** Extra safe extensions (e.g. retryAfter, reason). */
  extensions?: Record<string, unknown>;
  /**
   * Set when this error decides the HTTP status of the whole response (auth, quotas, limits).
   * Field-level errors (upstream failures, field authorization) leave it unset: partial data, 200.
   */
  requestLevel?: boolean;
  /** Overrides the catalogue's HTTP status (request-level errors only). */
  status?: number;
  /** Response headers to set when this error decides the response (e.g. Retry-After). */
  headers?: Record<string, string>;
  /** Response path of the field the error is about. */
  path?: ReadonlyArray<string | number>;
}

/**
 * The only way errors are made on purpose: a GraphQLError carrying a stable code, an HTTP status
 * for request-level errors (read by yoga from extensions.http) and optionally the source name. Anything else is masked.
 */
export function createGatewayError(code: ErrorCode, options: GatewayErrorOptions = {}): GraphQLError {
  const info = errorCodes[code];
  const extensions: Record<string, unknown> = {
    code,
    ...(options.source ? { source: options.source } : {}),
    ...options.extensions,
  };
  if (options.requestLevel)
    extensions['http'] = {
      status: options.status ?? info.status,
      ...(options.headers ? { headers: options.headers } : {}),
    };
  const error = new GraphQLError(options.message ?? info.message, { extensions, path: options.path });
  return error;
}

export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { extensions?: { code?: unknown } } | undefined)?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}
