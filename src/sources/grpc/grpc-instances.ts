import type * as grpc from '@grpc/grpc-js';
import type { SourceDefinition } from '../model.js';
import { createSourceInstances } from '../source-instances.js';
import { isBackendFailure } from '../upstream-errors.js';
import { checkGrpcHealth } from './grpc-health.js';
import { classifyGrpcFailure, grpcStatus } from './grpc-failures.js';
import type { GrpcClientOptions } from './grpc-client.js';

const isFailure = (error: unknown) => isBackendFailure(error, classifyGrpcFailure);
const isRetryable = (error: unknown) => (error as { code?: unknown } | null)?.code === grpcStatus.UNAVAILABLE;

/**
 * The channels of a gRPC source with several addresses, one each, behind an InstancePool (a
 * breaker per instance, round-robin over those not ejected). An idempotent call that finds an
 * instance UNAVAILABLE is tried again on another one; state-changing rpcs never are.
 */
export function createGrpcInstances(
  source: SourceDefinition,
  addresses: readonly string[],
  open: (address: string) => grpc.Client,
  options: GrpcClientOptions,
) {
  const instances = createSourceInstances(
    source,
    addresses.map((url) => ({ url, target: open(url) })),
  );
  const check = source.healthCheck;
  const timer = check
    ? setInterval(
        () => void instances.checkAll((channel) => checkGrpcHealth(channel, source.timeoutMs)),
        check.intervalMs,
      ).unref()
    : undefined;
  return {
    call: (method: string, send: (channel: grpc.Client) => Promise<unknown>) =>
      instances.run(send, {
        isFailure,
        retries: options.nonIdempotentMethods.has(method) ? 0 : source.retries,
        isRetryable,
      }),
    instances: () => instances.statuses(),
    async close() {
      clearInterval(timer);
      for (const channel of instances.targets()) channel.close();
    },
  };
}
