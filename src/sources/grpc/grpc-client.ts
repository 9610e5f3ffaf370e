import * as grpc from '@grpc/grpc-js';
import type { InstanceStatus } from '../../resilience/instance-status.js';
import type { SourceDefinition } from '../model.js';
import type { ServiceConstructor } from './load-proto.js';
import { LocalCallError, ResponseTooLargeError } from '../upstream-errors.js';
import { grpcStatus } from './grpc-failures.js';
import { createGrpcInstances } from './grpc-instances.js';
import { type CallSpan, currentCallSpan } from '../../observability/tracing/index.js';

type UnaryMethod = (
  req: unknown,
  md: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res: unknown) => void,
) => grpc.ClientUnaryCall;

/** What grpc-js puts in the answer's metadata when it retried a call. */
const previousAttemptsKey = 'grpc-previous-rpc-attempts';

export interface GrpcClient {
  call(method: string, request: unknown, headers: Record<string, string>): Promise<unknown>;
  /** Several addresses: each instance's status. */
  instances?(): InstanceStatus[];
  close(): Promise<void>;
}

export interface GrpcClientOptions {
  /** Methods that change state (bound on Mutation fields): never retried. */
  nonIdempotentMethods: Set<string>;
}

/**
 * One grpc-js client (one channel) per gRPC source address, created at start-up. Retries use
 * grpc-js's own retry policy (service config): only UNAVAILABLE, only idempotent methods. The
 * deadline is `timeoutMs` per call. An answer above `maxResponseBytes` is refused by grpc-js
 * from its length prefix, before the message is read.
 *
 * Several addresses (`@source(url: [...])`): one channel each, round-robin over the instances
 * not ejected (InstancePool: a breaker per instance); a retry goes to another instance, so
 * grpc-js's own retries are off there. `healthCheck`: each channel is asked the standard
 * `grpc.health.v1.Health/Check` every interval.
 */
export function createGrpcClient(
  source: SourceDefinition,
  Service: ServiceConstructor,
  options: GrpcClientOptions,
): GrpcClient {
  const several = source.urls !== undefined;
  const retries = several ? 0 : source.retries;
  const channelOptions = {
    'grpc.service_config': JSON.stringify({ methodConfig: retryConfig(source, retries, options) }),
    'grpc.enable_retries': retries > 0 ? 1 : 0,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.max_receive_message_length': source.maxResponseBytes,
  };
  const open = (address: string) => new Service(address, grpc.credentials.createInsecure(), channelOptions);
  const channels = several ? createGrpcInstances(source, source.urls!, open, options) : undefined;
  const client = channels ? undefined : open(source.url);

  function call(method: string, request: unknown, headers: Record<string, string>): Promise<unknown> {
    if (!(method in Service.prototype)) return Promise.reject(new LocalCallError(`no rpc ${method} on ${source.name}`));
    let metadata: grpc.Metadata;
    const span = currentCallSpan();
    try {
      metadata = new grpc.Metadata();
      for (const [key, value] of Object.entries(headers)) metadata.set(key.toLowerCase(), value);
      // the call's span is the backend's parent (W3C trace context)
      if (span) for (const [key, value] of Object.entries(span.headers)) metadata.set(key, value);
    } catch (error) {
      // grpc-js refuses metadata values outside printable ASCII: nothing was sent
      return Promise.reject(
        new LocalCallError(`call to ${source.name} not sent: ${(error as Error).message}`, { cause: error }),
      );
    }
    const send = (target: grpc.Client) => callUnary(source, target, method, request, metadata, span);
    return channels ? channels.call(method, send) : send(client!);
  }

  return {
    call,
    ...(channels ? { instances: channels.instances } : {}),
    close: async () => (channels ? channels.close() : client!.close()),
  };
}

/** grpc-js's retry policy of a single-address source: UNAVAILABLE only, never the state-changing rpcs. */
function retryConfig(source: SourceDefinition, retries: number, options: GrpcClientOptions): unknown[] {
  if (retries === 0) return [];
  const serviceName = source.service ?? '';
  const methodConfig: unknown[] = [
    {
      name: [{ service: serviceName }],
      retryPolicy: {
        maxAttempts: retries + 1,
        initialBackoff: '0.05s',
        maxBackoff: '1s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    },
  ];
  const writes = [...options.nonIdempotentMethods].map((method) => ({ service: serviceName, method }));
  if (writes.length) methodConfig.push({ name: writes });
  return methodConfig;
}

/** One unary call on `target` with the source's deadline; grpc-js's own refusals told from the backend's answers. */
function callUnary(
  source: SourceDefinition,
  target: grpc.Client,
  method: string,
  request: unknown,
  metadata: grpc.Metadata,
  span: CallSpan | undefined,
): Promise<unknown> {
  const fn = (target as unknown as Record<string, UnaryMethod>)[method]!;
  return new Promise((resolve, reject) => {
    const sent = fn.call(target, request, metadata, { deadline: Date.now() + source.timeoutMs }, (error, response) => {
      if (error) reject(classify(source, error));
      else resolve(response);
    });
    if (span) {
      // grpc-js retries inside the call and says so in the answer's metadata
      const countRetries = (answer: grpc.Metadata) => {
        const previous = Number(answer.get(previousAttemptsKey)[0] ?? 0);
        if (previous > span.retries) span.retries = previous;
      };
      sent.on('metadata', countRetries);
      sent.on('status', (status: grpc.StatusObject) => countRetries(status.metadata));
    }
  });
}

/** grpc-js reports its own refusals as statuses; tell them from what the backend said. */
function classify(source: SourceDefinition, error: grpc.ServiceError): Error {
  if (error.code === grpcStatus.INTERNAL && error.details.startsWith('Request message serialization failure')) {
    return new LocalCallError(`call to ${source.name} not sent: ${error.details}`, { cause: error });
  }
  if (error.code === grpcStatus.RESOURCE_EXHAUSTED && error.details.startsWith('Received message larger than max')) {
    return new ResponseTooLargeError(source.name, source.maxResponseBytes);
  }
  return error;
}
