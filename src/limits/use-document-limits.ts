import type { Plugin } from 'graphql-yoga';
import type { ValidationContext, GraphQLError } from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { createGatewayError } from '../errors/index.js';
import { documentNestsDeeperThan } from './nesting-depth.js';

export interface DocumentLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

/** Reports a limit breach as QUERY_TOO_COMPLEX (400) instead of graphql-armor's generic syntax error. */
const reportTooComplex = (context: ValidationContext | null, error: GraphQLError) => {
  context?.reportError(
    createGatewayError('QUERY_TOO_COMPLEX', {
      message: error.message.replace(/^Syntax Error: /, ''),
      requestLevel: true,
    }),
  );
};

/**
 * Nesting allowed beyond maxDepth, in `{`/`[` levels: the operation's own braces, input objects
 * and lists in arguments. Far below what overflows a recursive parser (about a thousand levels).
 */
export const nestingMargin = 32;

/** The bound of the pre-parse scans (document text and JSON bodies) for these limits. */
export const maxNestingFor = (limits: Pick<DocumentLimits, 'maxDepth'>) => limits.maxDepth + nestingMargin;

/**
 * Document guards, per client: a linear nesting scan of the text (a parser recursing a few
 * thousand levels overflows the stack), a token cap at parse time (graphql-js's own maxTokens, before the
 * AST is built), then graphql-armor's depth, aliases and cost as validation rules — so yoga caches the verdict with the
 * document and a refused query never reaches execution.
 */
export function useDocumentLimits(limits: DocumentLimits): Plugin {
  const common = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [reportTooComplex],
    ignoreIntrospection: true,
  };
  const rules = [
    maxDepthRule({ ...common, n: limits.maxDepth, flattenFragments: true }),
    maxAliasesRule({ ...common, n: limits.maxAliases }),
    costLimitRule({ ...common, maxCost: limits.maxCost }),
  ];
  const maxNesting = maxNestingFor(limits);
  return {
    // graphql-js stops parsing after maxTokens itself; only the error is re-coded
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        if (documentNestsDeeperThan(typeof source === 'string' ? source : source.body, maxNesting)) {
          throw createGatewayError('QUERY_TOO_COMPLEX', {
            message: `The document nests deeper than ${maxNesting} levels (maxDepth ${limits.maxDepth})`,
            requestLevel: true,
          });
        }
        try {
          return parseFn(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof Error && /contains more tha[nt] \d+ tokens/.test(error.message)) {
            throw createGatewayError('QUERY_TOO_COMPLEX', {
              message: `Token limit of ${limits.maxTokens} exceeded`,
              requestLevel: true,
            });
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
