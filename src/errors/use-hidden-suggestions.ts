import type { Plugin } from 'graphql-yoga';
import { GraphQLError, type ExecutionResult } from 'graphql';

/** graphql-js's hints: `Did you mean "name"?`, `Did you mean the enum value "PAID"?`, `Did you mean "a", "b", or "c"?`. */
const suggestion = /\s*Did you mean [^?]*\?/g;

function withoutSuggestion<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError) || !error.message.includes('Did you mean')) return error;
  return new GraphQLError(error.message.replace(suggestion, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/**
 * Production: "Did you mean …" hints are removed from validation and variable errors, so a caller
 * cannot enumerate a schema whose introspection is off by probing field names.
 */
export function useHiddenSuggestions(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length) setResult(result.map(withoutSuggestion));
      };
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          const single = result as ExecutionResult;
          if (Symbol.asyncIterator in result || !single.errors?.length) return;
          setResult({ ...single, errors: single.errors.map(withoutSuggestion) });
        },
      };
    },
  };
}
