import type { Plugin } from 'graphql-yoga';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { errorCodes, isErrorCode } from './codes.js';
import { createGatewayError, errorCodeOf } from './gateway-error.js';
import { withLocations } from './locate-error.js';

/** Codes that mean "the request itself is wrong": no data, and the response status says so. */
const requestCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'QUERY_TOO_COMPLEX',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'METHOD_NOT_ALLOWED',
]);

/** graphql-js's variable coercion messages all start this way: `Variable "$id" got invalid value …`. */
const variableMessage = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)"/;

/**
 * A document that cannot be parsed, is not valid for the client's schema or exceeds a limit is
 * a client error: 400 whatever the Accept header. (yoga answers 200 to `application/json`
 * clients by default, which hides broken clients from monitoring.) Errors alongside data keep 200.
 * Variables that do not coerce to their declared types are BAD_USER_INPUT naming the variable:
 * graphql-js reports them from `execute` before any resolver, as uncoded errors. Field errors
 * of delegated fields get their `locations` in the client's document back.
 */
export function useErrorCodes(): Plugin {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (!isSingleResult(result) || !result.errors?.length) return;
          if (result.data !== undefined) {
            const located = withLocations(
              result.errors,
              args.schema,
              args.document,
              args.operationName,
              args.variableValues,
            );
            if (located !== result.errors) setResult({ ...result, errors: located });
            return;
          }
          setResult({ ...result, errors: result.errors.map(codeVariableError) });
        },
      };
    },
    onResultProcess({ result }) {
      if (!Array.isArray(result)) setRequestErrorStatus(result as ExecutionResult);
    },
  };
}

/** A result with errors and no data whose errors say the request itself is wrong: its HTTP status set from the code. */
export function setRequestErrorStatus(result: ExecutionResult): void {
  if (!('errors' in result) || !result.errors?.length || ('data' in result && result.data !== undefined)) return;
  const codes = (result.errors as readonly GraphQLError[]).map((e) => e.extensions?.['code']);
  const code = codes.find((c) => typeof c === 'string' && requestCodes.has(c));
  if (!code || !isErrorCode(code)) return;
  const mutable = result as { extensions?: Record<string, unknown> };
  mutable.extensions = {
    ...mutable.extensions,
    http: { ...(mutable.extensions?.['http'] as object), status: errorCodes[code].status },
  };
}

function isSingleResult(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);
}

function codeVariableError(error: GraphQLError): GraphQLError {
  const variable = variableMessage.exec(error.message)?.[1];
  if (!variable || errorCodeOf(error) !== undefined) return error;
  return createGatewayError('BAD_USER_INPUT', { message: error.message, extensions: { variable }, requestLevel: true });
}
