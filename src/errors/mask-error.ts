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
      if (isMutationOverGet(error))
        return createGatewayError('METHOD_NOT_ALLOWED', {
          message: 'Mutations are only accepted over POST',
          requestLevel: true,
          headers: { allow: 'POST' },
        });
      if (isErrorCode(errorCodeOf(error))) return error;
      const original = error.originalError;
      if (!original || (original instanceof GraphQLError && isErrorCode(errorCodeOf(original)))) return error;
      log.error({ err: original, path: error.path }, 'unexpected error in resolver');
      return createGatewayError('INTERNAL_SERVER_ERROR', expose ? { message: original.message } : {});
    }
    log.error({ err: error }, 'unexpected error');
    return createGatewayError(
      'INTERNAL_SERVER_ERROR',
      expose && error instanceof Error ? { message: error.message } : {},
    );
  };
}

/** yoga refuses a mutation sent with GET as BAD_REQUEST with HTTP 405; the catalogue has a code for that. */
function isMutationOverGet(error: GraphQLError): boolean {
  return (
    errorCodeOf(error) === 'BAD_REQUEST' &&
    (error.extensions['http'] as { status?: number } | undefined)?.status === 405
  );
}
