import type { Plugin } from 'graphql-yoga';
import type { DocumentNode, ExecutionResult, FieldNode, GraphQLError, GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../../server/context.js';
import { collectOccurrences, type Occurrence, type PolicyLookup } from './collect-occurrences.js';
import { removeFields } from './remove-fields.js';
import { patchResult, type Refusal } from './patch-result.js';

/** One concern that may refuse fields before execution (authorization, field rate limits). */
export interface FieldDecider<P> {
  policyOf: PolicyLookup<P>;
  /** Returns the refused occurrences with their error; must not throw for a refusal. */
  decide(
    occurrences: Occurrence<P>[],
    context: GatewayContext,
    variables: Record<string, unknown> | undefined,
  ):
    | Promise<Array<{ occurrence: Occurrence<P>; error: (path: (string | number)[]) => GraphQLError }>>
    | Array<{ occurrence: Occurrence<P>; error: (path: (string | number)[]) => GraphQLError }>;
}

type AnyDecider = FieldDecider<unknown>;

/**
 * Runs the deciders in order on the operation's gated fields; refused fields are removed from
 * the document before execution (so nothing is fetched for them) and come back as null with an
 * error, the rest of the response intact. The list of gated fields is computed once per
 * (schema, document); an operation without gated fields executes untouched.
 */
export function useFieldGate(deciders: AnyDecider[]): Plugin {
  const cache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Occurrence<unknown>[][]>>>();
  const occurrencesOf = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined) => {
    let bySchema = cache.get(schema);
    if (!bySchema) {
      bySchema = new WeakMap();
      cache.set(schema, bySchema);
    }
    let byDocument = bySchema.get(document);
    if (!byDocument) {
      byDocument = new Map();
      bySchema.set(document, byDocument);
    }
    const key = operationName ?? '';
    let lists = byDocument.get(key);
    if (!lists) {
      lists = deciders.map((d) => collectOccurrences(schema, document, operationName, d.policyOf));
      byDocument.set(key, lists);
    }
    return lists;
  };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const lists = occurrencesOf(args.schema, args.document, args.operationName);
      if (lists.every((l) => l.length === 0)) return;
      setExecuteFn(async (execArgs) => {
        const context = execArgs.contextValue as GatewayContext;
        const refused = new Set<FieldNode>();
        const refusals: Refusal[] = [];
        for (const [i, decider] of deciders.entries()) {
          const pending = lists[i]!.filter((o) => !refused.has(o.node));
          if (pending.length === 0) continue;
          for (const { occurrence, error } of await decider.decide(
            pending,
            context,
            execArgs.variableValues as Record<string, unknown> | undefined,
          )) {
            refused.add(occurrence.node);
            refusals.push({ path: occurrence.path, nullable: occurrence.nullable, error });
          }
        }
        if (refusals.length === 0) return executeFn(execArgs);
        const result = (await executeFn({
          ...execArgs,
          document: removeFields(execArgs.document, refused),
        })) as ExecutionResult;
        const errors = [...(result.errors ?? [])];
        const data = patchResult(result.data as Record<string, unknown> | null | undefined, refusals, errors);
        return { ...result, data, errors };
      });
    },
  };
}

export type { Occurrence };
