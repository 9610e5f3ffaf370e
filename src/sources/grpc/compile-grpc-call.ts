import type { GrpcCall } from '../model.js';
import { compileValue, readPath } from '../template.js';
import type { CompiledCall } from '../rest/compile-http-call.js';
import { stableStringify } from '../loaders.js';
import type { GrpcClient } from './grpc-client.js';

const NOT_FOUND = 5;

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
            if ((error as { code?: unknown }).code === NOT_FOUND) return null;
            throw error;
          }
        },
      };
    },
    extract: (answer) => readPath(answer, call.response),
  };
}
