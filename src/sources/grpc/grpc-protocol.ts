import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { GrpcCall } from '../model.js';
import type { ProtocolClient, SourceProtocol } from '../protocol.js';
import { compileGrpcCall } from './compile-grpc-call.js';
import { createGrpcClient, type GrpcClient } from './grpc-client.js';
import { classifyGrpcFailure } from './grpc-failures.js';
import { methodNames } from './load-proto.js';
import { loadSourceService } from './load-source-service.js';
import { protoMessageFields } from './proto-messages.js';

/** The channel of a gRPC source, with what its service offers (for the load-time rpc check). */
export interface GrpcSourceClient extends GrpcClient, ProtocolClient {
  service: string;
  rpcs: Set<string>;
}

/** gRPC backends over grpc-js: `@source(protocol: GRPC, url: "host:port", proto:, service:)` and `@grpc` fields. */
export const grpcProtocol: SourceProtocol<GrpcSourceClient> = {
  name: 'GRPC',
  label: 'gRPC',
  callKind: 'grpc',
  directive: {
    name: 'grpc',
    sdl: `"A gRPC call on the source's service."
directive @grpc(method: String!, request: JSON, response: String) on FIELD_DEFINITION`,
    arguments: { required: ['method'], optional: ['request', 'response'] },
  },
  checkUrl: (url) =>
    /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(url) ? undefined : `url "${url}" is not a host:port address for gRPC`,
  readSourceArguments(args, file, report) {
    const proto = args['proto'];
    const service = typeof args['service'] === 'string' ? args['service'] : undefined;
    let protoFile: string | undefined;
    if (typeof proto !== 'string') report('a GRPC source needs proto: "<file>.proto"');
    else {
      protoFile = isAbsolute(proto) ? proto : resolve(dirname(file), proto);
      if (!existsSync(protoFile)) report(`proto file "${proto}" not found (looked at ${protoFile})`);
    }
    if (!service) report('a GRPC source needs service: "<package>.<Service>"');
    return { protoFile, service };
  },
  parseCall: (args) => ({
    kind: 'grpc',
    method: String(args['method']),
    request: args['request'],
    response: typeof args['response'] === 'string' ? args['response'].split('.').filter(Boolean) : [],
  }),
  templatesOf: (call) => [(call as GrpcCall).request ?? {}],
  payloadFieldsOf: (def) => protoMessageFields(def.protoFile!),
  // proto3 cannot tell an unset string from an empty one: both arrive as ""
  emptyStringIsUnset: true,
  createClient(def, problems) {
    const Service = loadSourceService(def, problems);
    if (!Service) return undefined;
    // state-changing rpcs (bound on Mutation fields) are never retried
    const writes = new Set(
      def.bindings.flatMap((b) => (b.typeName === 'Mutation' && b.call?.kind === 'grpc' ? [b.call.method] : [])),
    );
    const client = createGrpcClient(def, Service, { nonIdempotentMethods: writes });
    return { ...client, service: def.service!, rpcs: new Set(methodNames(Service)) };
  },
  compile(binding, client, report) {
    const call = binding.call as GrpcCall;
    if (client.rpcs.has(call.method)) return compileGrpcCall(call, client);
    report(
      binding.line,
      `${binding.typeName}.${binding.fieldName}`,
      `rpc "${call.method}" is not in service ${client.service} (has: ${[...client.rpcs].join(', ')})`,
    );
    return undefined;
  },
  classifyFailure: classifyGrpcFailure,
};
