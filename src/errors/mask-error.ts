import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { isErrorCode } from './codes.js';
import { createGatewayError, errorCodeOf } from './gateway-error.js';

/**
 * Mask by default: errors made on purpose (a catalogue code) and graphql-js's own errors pass;
 * anything else — a bug, a library's exception — becomes INTERNAL_SERVER_ERROR for the client
 * and is logged with its stack. `expose` (development) keeps the original message.
 */
export function createMaskError(log: Logger, expose: boolean) {
  return (error: unknown): Error => {
    if (error instanceof GraphQLError) {
      if (isErrorCode(errorCodeOf(error))) return error;
      const original = error.originalError;
      if (!original || (original instanceof GraphQLError && isErrorCode(errorCodeOf(original)))) return error;
      log.error({ err: original, path: error.path }, 'unexpected error in resolver');
      return createGatewayError('INTERNAL_SERVER_ERROR', expose ? { message: original.message } : {});
    }
    log.error({ err: error }, 'unexpected error');
    return createGatewayError('INTERNAL_SERVER_ERROR', expose && error instanceof Error ? { message: error.message } : {});
  };
}
