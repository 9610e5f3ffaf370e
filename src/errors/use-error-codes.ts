import type { Plugin } from 'graphql-yoga';
import type { GraphQLError } from 'graphql';
import { errorCodes, isErrorCode } from './codes.js';

/** Codes that mean "the request itself is wrong": no data, and the response status says so. */
const requestCodes = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX', 'BAD_USER_INPUT', 'BAD_REQUEST']);

/**
 * A document that cannot be parsed, is not valid for the client's schema or exceeds a limit is
 * a client error: 400 whatever the Accept header. (yoga answers 200 to `application/json`
 * clients by default, which hides broken clients from monitoring.) Errors alongside data keep 200.
 */
export function useErrorCodes(): Plugin {
  return {
    onResultProcess({ result }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.length || ('data' in result && result.data !== undefined)) return;
      const codes = (result.errors as readonly GraphQLError[]).map((e) => e.extensions?.['code']);
      const code = codes.find((c) => typeof c === 'string' && requestCodes.has(c));
      if (!code || !isErrorCode(code)) return;
      const mutable = result as { extensions?: Record<string, unknown> };
      mutable.extensions = { ...mutable.extensions, http: { ...(mutable.extensions?.['http'] as object), status: errorCodes[code].status } };
    },
  };
}
