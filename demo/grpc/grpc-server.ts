// Shared gRPC plumbing of the demo backends: proto loading, unary method
// wrapping (counting, latency, faults), bind and shutdown.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Counter } from '../counter.js';
import { Control, INTERNAL_ERROR_DETAILS } from '../faults.js';
import type { DemoBackend } from '../index.js';
import { displayHost } from '../rest/http-server.js';

/** proto-loader options of the demo servers: snake_case field names on the wire objects. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** Client constructor (its `.service` is the service definition) of `serviceName` in the proto at `protoUrl`. */
export function loadServiceClient(protoUrl: URL, serviceName: string): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync(fileURLToPath(protoUrl), LOADER_OPTIONS);
  let node: unknown = grpc.loadPackageDefinition(definition);
  for (const part of serviceName.split('.')) {
    node =
      (node !== null && typeof node === 'object') || typeof node === 'function'
        ? (node as Record<string, unknown>)[part]
        : undefined;
  }
  if (typeof node !== 'function' || !('service' in node))
    throw new Error(`service ${serviceName} not found in ${protoUrl.href}`);
  return node as grpc.ServiceClientConstructor;
}

/** Throw from a handler to answer with a gRPC status. */
export class GrpcError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

export interface UnaryMethod<Req> {
  handle(req: Req): object;
  /** For batch methods: the ids a call carries, recorded by the counter. */
  batchIds?(req: Req): string[];
}
type AnyMethod = UnaryMethod<never>;
/** Types a method's request; requests are the proto-loader objects (snake_case, defaults filled). */
export const unary = <Req>(m: UnaryMethod<Req>): AnyMethod => m as unknown as AnyMethod;

export interface GrpcServerOptions {
  name: string;
  host: string;
  port: number;
  latencyMs?: number;
  service: grpc.ServiceDefinition;
  methods: Record<string, AnyMethod>;
  /** The counter to record calls in: a restarted instance keeps counting in its own. @default a new one */
  counter?: Counter;
}

export async function startGrpcServer(opts: GrpcServerOptions): Promise<DemoBackend> {
  const counter = opts.counter ?? new Counter();
  const control = new Control(opts.latencyMs);

  const run = async (
    name: string,
    method: AnyMethod,
    request: never,
    traceparent: string | undefined,
  ): Promise<object | null> => {
    counter.record(name, method.batchIds?.(request), traceparent);
    await control.delay();
    switch (control.fault) {
      case 'hang':
        return null;
      case 'error':
        throw new GrpcError(grpc.status.INTERNAL, INTERNAL_ERROR_DETAILS(opts.name));
      case 'malformed': // no malformed payload in gRPC: an opaque unknown failure
        throw new GrpcError(grpc.status.UNKNOWN, INTERNAL_ERROR_DETAILS(opts.name));
      case 'unavailable':
        throw new GrpcError(grpc.status.UNAVAILABLE, 'service unavailable');
      case 'huge': // REST only: setFault refuses it
      case null:
        return method.handle(request);
    }
  };

  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(opts.methods)) {
    if (!(name in opts.service)) throw new Error(`${opts.name}: ${name} is not a method of the service`);
    const handler: grpc.handleUnaryCall<unknown, object> = (call, callback) => {
      const traceparent = call.metadata.get('traceparent')[0];
      run(name, method, call.request as never, typeof traceparent === 'string' ? traceparent : undefined).then(
        (response) => {
          if (response !== null) callback(null, response);
        },
        (err: unknown) => {
          if (err instanceof GrpcError) callback({ code: err.code, details: err.message });
          else {
            console.error(`[demo:${opts.name}]`, err);
            callback({ code: grpc.status.INTERNAL, details: 'internal error' });
          }
        },
      );
    };
    impl[name] = handler;
  }

  const server = new grpc.Server();
  server.addService(opts.service, impl);
  server.addService(healthService, {
    Check: (_call: unknown, callback: (error: null, status: number) => void) =>
      callback(null, control.fault ? NOT_SERVING : SERVING),
  });
  const bindHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${bindHost}:${opts.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });

  let closing: Promise<void> | undefined;
  return {
    name: opts.name,
    protocol: 'GRPC',
    address: `${displayHost(opts.host)}:${port}`,
    calls: counter,
    setFault: (f) => {
      if (f === 'huge') throw new Error(`${opts.name}: the huge fault is for REST backends`);
      control.setFault(f);
    },
    setLatency: (ms) => control.setLatency(ms),
    close() {
      closing ??= new Promise<void>((resolve) => {
        control.close();
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closing;
    },
  };
}

// The standard health service (grpc.health.v1.Health/Check) without its .proto: any request asks
// for the whole server; the answer's only field is the status (field 1, varint).
const SERVING = 1;
const NOT_SERVING = 2;
const healthService: grpc.ServiceDefinition = {
  Check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (status: number) => Buffer.from([0x08, status]),
    responseDeserialize: (bytes: Buffer) => (bytes[0] === 0x08 ? bytes[1] : 0),
  },
};
