import type * as grpc from '@grpc/grpc-js';

// The standard health service (grpc.health.v1), spoken without its .proto: the request asks for
// the whole server (service "", an empty message) and the answer's only field is the status.
const checkPath = '/grpc.health.v1.Health/Check';
const SERVING = 1;

/** Asks `channel` the standard health check; resolves when the server answers SERVING. */
export function checkGrpcHealth(channel: grpc.Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.makeUnaryRequest(
      checkPath,
      () => Buffer.alloc(0),
      readServingStatus,
      {},
      { deadline: Date.now() + timeoutMs },
      (error, status) => {
        if (error) reject(error);
        else if (status !== SERVING) reject(new Error(`health check: status ${status}`));
        else resolve();
      },
    );
  });
}

/** HealthCheckResponse { ServingStatus status = 1; }: field 1, varint (tag 0x08); absent means UNKNOWN (0). */
function readServingStatus(bytes: Buffer): number {
  return bytes[0] === 0x08 ? (bytes[1] ?? 0) : 0;
}
