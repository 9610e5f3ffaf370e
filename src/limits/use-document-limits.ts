import type { Plugin } from 'graphql-yoga';
import type { ValidationContext, GraphQLError } from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { createGatewayError } from '../errors/index.js';

export interface DocumentLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

/** Reports a limit breach as QUERY_TOO_COMPLEX (400) instead of graphql-armor's generic syntax error. */
const reportTooComplex = (context: ValidationContext | null, error: GraphQLError) => {
  context?.reportError(createGatewayError('QUERY_TOO_COMPLEX', { message: error.message.replace(/^Syntax Error: /, ''), requestLevel: true }));
};

/**
 * Document guards, per client: a token cap at parse time (graphql-js's own maxTokens, before the
 * AST is built), then graphql-armor's depth, aliases and cost as validation rules — so yoga caches the verdict with the
 * document and a refused query never reaches execution.
 */
export function useDocumentLimits(limits: DocumentLimits): Plugin {
  const common = { exposeLimits: true, propagateOnRejection: false, onReject: [reportTooComplex], ignoreIntrospection: true };
  const rules = [
    maxDepthRule({ ...common, n: limits.maxDepth, flattenFragments: true }),
    maxAliasesRule({ ...common, n: limits.maxAliases }),
    costLimitRule({ ...common, maxCost: limits.maxCost }),
  ];
  return {
    // graphql-js stops parsing after maxTokens itself; only the error is re-coded
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parseFn(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof Error && /contains more tha[nt] \d+ tokens/.test(error.message)) {
            throw createGatewayError('QUERY_TOO_COMPLEX', { message: `Token limit of ${limits.maxTokens} exceeded`, requestLevel: true });
          }
          throw error;
        }
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule as never);
    },
  };
}
