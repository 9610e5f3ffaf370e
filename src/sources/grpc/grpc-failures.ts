import type { ErrorCode } from '../../errors/index.js';
import type { ProtocolFailure } from '../protocol.js';

/** The gRPC status codes the gateway reads (grpc-js `status`). */
export const grpcStatus = {
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  OUT_OF_RANGE: 11,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** Statuses that say the request was wrong, not the backend. */
const rejected = new Set<number>([
  grpcStatus.INVALID_ARGUMENT,
  grpcStatus.FAILED_PRECONDITION,
  grpcStatus.OUT_OF_RANGE,
  grpcStatus.ALREADY_EXISTS,
]);
/** Statuses that say the backend is unhealthy: down, too slow, or failing inside. */
const unhealthy = new Set<number>([
  grpcStatus.UNAVAILABLE,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.INTERNAL,
  grpcStatus.UNKNOWN,
]);

function codeOfStatus(status: number): ErrorCode {
  if (status === grpcStatus.DEADLINE_EXCEEDED) return 'UPSTREAM_TIMEOUT';
  if (status === grpcStatus.UNAVAILABLE) return 'UPSTREAM_UNAVAILABLE';
  return rejected.has(status) ? 'UPSTREAM_REJECTED' : 'UPSTREAM_ERROR';
}

/** A grpc-js ServiceError: its numeric status code. */
export function classifyGrpcFailure(error: unknown): ProtocolFailure | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') return undefined;
  return { code: codeOfStatus(code), backendFailure: unhealthy.has(code) };
}
