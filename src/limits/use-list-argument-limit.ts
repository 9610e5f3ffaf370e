import type { Plugin } from 'graphql-yoga';
import { getOperationAST, type ValidationContext } from 'graphql';
import { createGatewayError } from '../errors/index.js';

const tooLong = (items: number, max: number, where: string) =>
  createGatewayError('QUERY_TOO_COMPLEX', {
    message: `${where} has ${items} items; at most ${max} are allowed (limits.maxListArgument)`,
    extensions: { maxListArgument: max },
    requestLevel: true,
  });

/** Length of the longest array anywhere in a (JSON) value; nesting is bounded by the JSON scan. */
function longestList(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let longest = Array.isArray(value) ? value.length : 0;
  for (const item of Array.isArray(value) ? value : Object.values(value))
    longest = Math.max(longest, longestList(item));
  return longest;
}

/**
 * Bounds the fan-out a single request can ask for: no list argument — a literal in the document
 * or a variable's value, at any nesting — may hold more than `max` items. Literals are checked
 * by a validation rule (cached with the document), variables before execution; either way no
 * backend is called. (A list variable keeps its length through coercion, so the raw value is
 * what counts.)
 */
export function useListArgumentLimit(max: number): Plugin {
  const rule = (context: ValidationContext) => ({
    ListValue(node: { values: readonly unknown[] }) {
      if (node.values.length > max) context.reportError(tooLong(node.values.length, max, 'A list in the document'));
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule as never);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const variables = args.variableValues;
      if (!variables) return;
      const operation = getOperationAST(args.document, args.operationName);
      for (const definition of operation?.variableDefinitions ?? []) {
        const name = definition.variable.name.value;
        const items = longestList(variables[name]);
        if (items > max) return setResultAndStopExecution({ errors: [tooLong(items, max, `Variable "$${name}"`)] });
      }
    },
  };
}
