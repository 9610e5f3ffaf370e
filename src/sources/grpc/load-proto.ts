import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { dirname } from 'node:path';

/**
 * Proto loading options. Field names follow the proto3 JSON mapping (lowerCamelCase: `user_id` →
 * `userId`), so SDL fields match payload names without renames; 64-bit integers become strings
 * (ids and money can exceed 2^53); enums are their names.
 */
export const protoLoaderOptions: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
};

export type ServiceConstructor = grpc.ServiceClientConstructor;

/** Loads a .proto at start-up and finds the named service; throws with a readable message. */
export function loadService(protoFile: string, serviceName: string): ServiceConstructor {
  const definition = protoLoader.loadSync(protoFile, { ...protoLoaderOptions, includeDirs: [dirname(protoFile)] });
  const loaded = grpc.loadPackageDefinition(definition);
  let node: unknown = loaded;
  for (const part of serviceName.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'function' || !('service' in node)) {
    const services = Object.entries(definition)
      .filter(([, v]) => 'format' in v === false && typeof v === 'object' && v !== null && !('type' in v))
      .map(([k]) => k);
    throw new ProtoServiceNotFoundError(serviceName, services);
  }
  return node as ServiceConstructor;
}

/** The proto loaded, but has no such service: the mistake is in `@source(service:)`, not in the proto. */
export class ProtoServiceNotFoundError extends Error {
  constructor(
    readonly serviceName: string,
    readonly services: string[],
  ) {
    super(
      `service "${serviceName}" is not defined in the proto${services.length ? ` (services: ${services.join(', ')})` : ''}`,
    );
  }
}

/** The rpc names of a service, for load-time checks of @grpc(method: …). */
export function methodNames(service: ServiceConstructor): string[] {
  return Object.keys(service.service);
}
