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
 * The fields refused for one request, handed to the query planner: it answers the document as
 * planned and skips these (never fetched), so one plan serves every caller whatever is refused.
 * Delegation cannot skip a field: it runs `withoutRefused()`, the document without them.
 */
export interface FieldRefusals {
  nodes: ReadonlySet<FieldNode>;
  withoutRefused(): DocumentNode;
}

/** What one (schema, document, operation) needs per request, computed once. */
interface GatedOperation {
  /** Per decider, the gated fields it decides on. */
  lists: Occurrence<unknown>[][];
  /** A number per gated field node: names a set of refused nodes. */
  nodeIndex: Map<FieldNode, number>;
  /** The document without a given set of refused nodes, by that set's name. */
  pruned: Map<string, DocumentNode>;
}

/**
 * Pruned documents kept per operation. The same caller is usually refused the same fields, so the
 * pruned document is the same object request after request and the executor's caches (parse,
 * plan) keep hitting; past this many sets, further ones are pruned per request.
 */
const maxPrunedPerOperation = 32;

/**
 * Runs the deciders in order on the operation's gated fields; refused fields are never fetched
 * and come back as null with an error, the rest of the response intact. With the query planner
 * (`handsToPlanner`) the refusals go to it on the context (`fieldRefusals`) and the document runs
 * as it is; without it, refused fields are removed from the document before execution. The list
 * of gated fields is computed once per (schema, document); an operation without gated fields
 * executes untouched.
 */
export function useFieldGate(deciders: AnyDecider[], { handsToPlanner = false } = {}): Plugin {
  const cache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, GatedOperation>>>();
  const gatedOperation = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
  ): GatedOperation => {
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
    let gated = byDocument.get(key);
    if (!gated) {
      const lists = deciders.map((d) => collectOccurrences(schema, document, operationName, d.policyOf));
      const nodeIndex = new Map<FieldNode, number>();
      for (const list of lists)
        for (const { node } of list) if (!nodeIndex.has(node)) nodeIndex.set(node, nodeIndex.size);
      gated = { lists, nodeIndex, pruned: new Map() };
      byDocument.set(key, gated);
    }
    return gated;
  };

  const prune = (gated: GatedOperation, document: DocumentNode, refused: Set<FieldNode>): DocumentNode => {
    const name = [...refused]
      .map((node) => gated.nodeIndex.get(node)!)
      .sort((a, b) => a - b)
      .join(',');
    let pruned = gated.pruned.get(name);
    if (!pruned) {
      pruned = removeFields(document, refused);
      if (gated.pruned.size < maxPrunedPerOperation) gated.pruned.set(name, pruned);
    }
    return pruned;
  };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const gated = gatedOperation(args.schema, args.document, args.operationName);
      const { lists } = gated;
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
        const withoutRefused = () => prune(gated, execArgs.document, refused);
        let result: ExecutionResult;
        if (handsToPlanner) {
          context.fieldRefusals = { nodes: refused, withoutRefused };
          result = (await executeFn(execArgs)) as ExecutionResult;
        } else result = (await executeFn({ ...execArgs, document: withoutRefused() })) as ExecutionResult;
        const errors = [...(result.errors ?? [])];
        const data = patchResult(result.data as Record<string, unknown> | null | undefined, refusals, errors);
        return { ...result, data, errors };
      });
    },
  };
}

export type { Occurrence };
