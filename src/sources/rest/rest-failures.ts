import type { ErrorCode } from '../../errors/index.js';
import type { ProtocolFailure } from '../protocol.js';

/** An upstream answered with a status the gateway treats as an error; kept internal (logged). */
export class UpstreamStatusError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`upstream answered ${status}`);
  }
}

function codeOfStatus(status: number): ErrorCode {
  if (status === 503) return 'UPSTREAM_UNAVAILABLE';
  if (status === 504) return 'UPSTREAM_TIMEOUT';
  if (status >= 400 && status < 500) return 'UPSTREAM_REJECTED';
  return 'UPSTREAM_ERROR';
}

/**
 * An HTTP status the backend answered: ours (UpstreamStatusError), or undici's retry interceptor
 * giving up on a retryable one (`statusCode`). A 4xx says nothing about the backend's health.
 */
export function classifyHttpFailure(error: unknown): ProtocolFailure | undefined {
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  const status = error instanceof UpstreamStatusError ? error.status : statusCode;
  if (typeof status !== 'number') return undefined;
  return { code: codeOfStatus(status), backendFailure: status >= 500, upstreamStatus: status };
}
