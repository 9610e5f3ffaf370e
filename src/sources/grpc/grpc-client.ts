import * as grpc from '@grpc/grpc-js';
import type { SourceDefinition } from '../model.js';
import type { ServiceConstructor } from './load-proto.js';
import { LocalCallError, ResponseTooLargeError } from '../upstream-errors.js';
import { grpcStatus } from './grpc-failures.js';
import { currentCallSpan } from '../../observability/tracing/index.js';

type UnaryMethod = (
  req: unknown,
  md: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res: unknown) => void,
) => grpc.ClientUnaryCall;

/** What grpc-js puts in the answer's metadata when it retried a call. */
const previousAttemptsKey = 'grpc-previous-rpc-attempts';

export interface GrpcClientOptions {
  /** Methods that change state (bound on Mutation fields): never retried. */
  nonIdempotentMethods: Set<string>;
}

/**
 * One grpc-js client (one channel) per gRPC source address, created at start-up. Retries use
 * grpc-js's own retry policy (service config): only UNAVAILABLE, only idempotent methods. The
 * deadline is `timeoutMs` per call. An answer above `maxResponseBytes` is refused by grpc-js
 * from its length prefix, before the message is read.
 */
export function createGrpcClient(source: SourceDefinition, Service: ServiceConstructor, options: GrpcClientOptions) {
  const serviceName = source.service ?? '';
  const methodConfig: unknown[] = [];
  if (source.retries > 0) {
    methodConfig.push({
      name: [{ service: serviceName }],
      retryPolicy: {
        maxAttempts: source.retries + 1,
        initialBackoff: '0.05s',
        maxBackoff: '1s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    });
    const writes = [...options.nonIdempotentMethods].map((method) => ({ service: serviceName, method }));
    if (writes.length) methodConfig.push({ name: writes });
  }
  const client = new Service(source.url, grpc.credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify({ methodConfig }),
    'grpc.enable_retries': source.retries > 0 ? 1 : 0,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.max_receive_message_length': source.maxResponseBytes,
  });

  function call(method: string, request: unknown, headers: Record<string, string>): Promise<unknown> {
    const fn = (client as unknown as Record<string, UnaryMethod>)[method];
    if (!fn) return Promise.reject(new LocalCallError(`no rpc ${method} on ${source.name}`));
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
    return new Promise((resolve, reject) => {
      const sent = fn.call(
        client,
        request,
        metadata,
        { deadline: Date.now() + source.timeoutMs },
        (error, response) => {
          if (error) reject(classify(error));
          else resolve(response);
        },
      );
      if (span) {
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
  function classify(error: grpc.ServiceError): Error {
    if (error.code === grpcStatus.INTERNAL && error.details.startsWith('Request message serialization failure')) {
      return new LocalCallError(`call to ${source.name} not sent: ${error.details}`, { cause: error });
    }
    if (error.code === grpcStatus.RESOURCE_EXHAUSTED && error.details.startsWith('Received message larger than max')) {
      return new ResponseTooLargeError(source.name, source.maxResponseBytes);
    }
    return error;
  }

  return { call, close: () => client.close() };
}

export type GrpcClient = ReturnType<typeof createGrpcClient>;
