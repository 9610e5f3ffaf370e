import type { Plugin } from 'graphql-yoga';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  type ValidationContext,
} from 'graphql';
import type { ClientDefinition } from '../clients/index.js';
import { useFieldGate, type FieldDecider } from '../directives/field-gate/index.js';
import { useErrorCodes, useHiddenSuggestions } from '../errors/index.js';
import { useDelegationDocument } from '../stitching/use-delegation-document.js';
import { maxNestingFor, useDocumentLimits, useListArgumentLimit } from '../limits/index.js';
import { useRequestParser } from './use-request-parser.js';
import { useResponseCompression } from './use-response-compression.js';
import { useHttpCaching } from './http-caching.js';
import { useErrorCodeStats } from '../observability/use-error-code-stats.js';

/**
 * The plugins of one client endpoint, in the order they hook into a request. yoga already
 * handles HTTP parsing, the parse/validate cache (per schema) and execution.
 */
export function clientPlugins(
  client: ClientDefinition,
  deciders: FieldDecider<never>[],
  { production, executor }: { production: boolean; executor?: Plugin },
): Plugin[] {
  const options = client.options;
  return [
    // request: JSON nesting scanned before JSON.parse; malformed JSON is BAD_REQUEST with a fixed message
    useRequestParser(maxNestingFor(options.limits)),
    // parse + validate: nesting (before parsing), depth, aliases, tokens and cost limits (refused before execution)
    useDocumentLimits(options.limits),
    // validate + execute: list arguments (literals, variables) bounded, before any backend call
    useListArgumentLimit(options.limits.maxListArgument),
    // validate: an operation type the client does not have (e.g. a mutation on a read-only client)
    knownOperationTypes,
    // validate: introspection off where the client config says so (in production unless it says true)
    ...((options.introspection ?? !production) ? [] : [disableIntrospection]),
    // validate + execute: no "Did you mean …" hints in production
    ...(production ? [useHiddenSuggestions()] : []),
    // parse + validate: a bad document is a 400 with a stable code
    useErrorCodes(),
    // response: answers of 1 KiB and more compressed when the client accepts br or gzip
    useResponseCompression(),
    // response: Cache-Control (and Age) on GET answers, from the operation's cache policy
    useHttpCaching() as Plugin,
    // execute (delegation only: innermost): @skip/@include evaluated and fragments that always apply
    // inlined, before delegation merges selections
    useDelegationDocument(),
    // execute: the query planner (unless FACET_EXECUTOR=delegation); listed before the field
    // gate, so the gate runs first and hands it the fields refused for the request
    ...(executor ? [executor] : []),
    // execute: refuse fields before they run — authorization first, then field rate limits;
    // refused fields are not fetched (the planner skips them; delegation runs without them) and
    // come back as null with an error
    ...(deciders.length ? [useFieldGate(deciders as FieldDecider<unknown>[], { handsToPlanner: !!executor })] : []),
    // execute: the codes of the errors answered (last: it sees the result as the others left it), for the operator page
    useErrorCodeStats(client.name),
  ];
}

/** graphql-js 16 only notices a missing root type at execution (200, no code); make it a validation error. */
const knownOperationTypes: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule((context: ValidationContext) => ({
      OperationDefinition(node: OperationDefinitionNode) {
        if (!context.getSchema().getRootType(node.operation)) {
          context.reportError(new GraphQLError(`This client has no ${node.operation} operations`, { nodes: [node] }));
        }
      },
    }));
  },
};

const disableIntrospection: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(NoSchemaIntrospectionCustomRule);
  },
};
