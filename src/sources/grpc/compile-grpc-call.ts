import type { GrpcCall } from '../model.js';
import { compileValue, readPath } from '../template.js';
import type { CompiledCall } from '../protocol.js';
import { stableStringify } from '../loaders.js';
import type { GrpcClient } from './grpc-client.js';
import { grpcStatus } from './grpc-failures.js';

/** Compiles a @grpc call once: request template, response path. NOT_FOUND resolves to null. */
export function compileGrpcCall(call: GrpcCall, client: GrpcClient): CompiledCall {
  const request = call.request !== undefined ? compileValue(call.request) : () => ({});
  return {
    prepare(scope, headers) {
      const message = request(scope);
      return {
        signature: `${call.method} ${stableStringify(message)}`,
        send: async () => {
          try {
            return await client.call(call.method, message, headers);
          } catch (error) {
            if ((error as { code?: unknown }).code === grpcStatus.NOT_FOUND) return null;
            throw error;
          }
        },
        rpc: call.method,
      };
    },
    extract: (answer) => readPath(answer, call.response),
  };
}
