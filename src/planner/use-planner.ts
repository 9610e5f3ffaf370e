import { channel } from 'node:diagnostics_channel';
import {
  getOperationAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ClientDefinition } from '../clients/index.js';
import type { GatewayContext } from '../server/context.js';
import { buildPlan } from './build-plan.js';
import { conditionKey, conditionVariables } from '../document/conditions.js';
import { coercedVariables, fragmentsOf } from '../document/operation.js';
import { executePlan } from './execute-plan.js';
import { buildClientFields, type GraphModel } from './graph-model.js';
import { PlanCache } from './plan-cache.js';
import type { Plan, PlanOutcome } from './plan.js';
import { planCachePolicy, type CachePolicy } from './cache-policy.js';
import { ResponseCache } from './response-cache.js';
import type { CacheStore } from '../cache/cache-store.js';

/** Published once per request that the planner leaves to delegation: `{ client, reason }`. */
export const plannerFallbackChannelName = 'facet:planner-fallback';
const fallbackChannel = channel(plannerFallbackChannelName);
/** Published once per plan built (a plan-cache miss): `{ client }`. */
export const planBuiltChannelName = 'facet:planner-plan-built';
const planBuiltChannel = channel(planBuiltChannelName);

export const executors = ['planner', 'delegation'] as const;
export type Executor = (typeof executors)[number];

/**
 * `FACET_EXECUTOR`: `planner` (the default) runs what the query planner supports itself and the
 * rest through delegation; `delegation` runs everything through stitching (the reference path,
 * kept for comparison and as a way back). Undefined for any other value: a start-up problem.
 */
export function executorOf(env: Readonly<Record<string, string | undefined>>): Executor | undefined {
  const value = env['FACET_EXECUTOR'] || 'planner';
  return (executors as readonly string[]).includes(value) ? (value as Executor) : undefined;
}

interface DocumentParts {
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  conditions: string[];
}

/** The planner of one client: its execute hook, and plans made ahead for documents known at start-up. */
export interface ClientPlanner extends Plugin {
  /**
   * Plans `document` (as parsed once, and handed to execution as that same object) for `schema`
   * now, so its first request finds the plan. Operations with `@skip`/`@include` on variables are
   * planned per set of values when they run. Returns why the planner leaves it to delegation, if it does.
   */
  prepare(schema: GraphQLSchema, document: DocumentNode, operationName?: string): { unsupported?: string };
}

/**
 * Executes the operations the planner supports with their plan (direct source calls, response
 * written from the payloads) and leaves every other one to delegation. Placed before the field
 * gate, which runs first at execution and hands it the fields refused for the request: the plan of
 * the document skips them (one plan whatever is refused); delegation runs the document without them.
 */
export function usePlanner(model: GraphModel, client: ClientDefinition, cacheStore?: CacheStore): ClientPlanner {
  const clientFields = buildClientFields(client);
  const cache = new PlanCache();
  const responses = cacheStore && client.options.responseCache ? new ResponseCache(client.name, cacheStore) : undefined;
  const policies = new WeakMap<Plan, CachePolicy>();
  const policyOf = (plan: Plan): CachePolicy => {
    let policy = policies.get(plan);
    if (!policy) {
      policy = planCachePolicy(plan, model, client.cacheHints);
      policies.set(plan, policy);
    }
    return policy;
  };
  const parts = new WeakMap<DocumentNode, DocumentParts>();
  const partsOf = (document: DocumentNode): DocumentParts => {
    let known = parts.get(document);
    if (!known) {
      const sets = document.definitions.flatMap((d) => ('selectionSet' in d ? [d.selectionSet] : []));
      known = { fragments: fragmentsOf(document), conditions: conditionVariables(sets) };
      parts.set(document, known);
    }
    return known;
  };

  const planFor = (
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
    context?: GatewayContext,
  ): PlanOutcome => {
    const { fragments, conditions } = partsOf(document);
    // by the operation chosen (named or not in the request, it is the same plan)
    const key = `${operation.name?.value ?? ''}|${conditionKey(conditions, variables)}`;
    let outcome = cache.get(schema, document, key);
    if (!outcome) {
      const build = () => buildPlan({ schema, model, clientFields, variables }, operation, fragments);
      outcome = context?.trace ? context.trace.step('facet.plan', build, { 'facet.client': client.name }) : build();
      cache.set(schema, document, key, outcome);
      if (planBuiltChannel.hasSubscribers) planBuiltChannel.publish({ client: client.name });
      if ('unsupported' in outcome)
        context?.log.debug(
          { reason: outcome.unsupported, detail: outcome.detail },
          'query planner: left to delegation',
        );
    }
    return outcome;
  };

  return {
    prepare(schema, document, operationName) {
      const operation = getOperationAST(document, operationName);
      if (!operation) return { unsupported: 'no-operation' };
      if (partsOf(document).conditions.length) return {};
      const outcome = planFor(schema, document, operation, {});
      return 'unsupported' in outcome ? { unsupported: outcome.unsupported } : {};
    },

    onExecute({ setExecuteFn, executeFn }) {
      setExecuteFn((args) => {
        const context = args.contextValue as GatewayContext;
        const operation = getOperationAST(args.document, args.operationName);
        if (!operation) return executeFn(args);
        context.trace?.setAttributes({
          'graphql.operation.name': operation.name?.value,
          'graphql.operation.type': operation.operation,
        });
        const variables = coercedVariables(args.schema, operation, args.variableValues);
        if (!variables) return executeFn(args);
        const outcome = planFor(args.schema, args.document, operation, variables, context);
        const refusals = context.fieldRefusals;
        if ('unsupported' in outcome) {
          if (fallbackChannel.hasSubscribers)
            fallbackChannel.publish({ client: client.name, reason: outcome.unsupported });
          // delegation cannot skip a field: it runs the document without the refused ones
          return executeFn(refusals ? { ...args, document: refusals.withoutRefused() } : args);
        }
        const policy = policyOf(outcome.plan);
        if (policy.maxAgeMs > 0 && context.caching) context.caching.policy = policy;
        const run = () => executePlan(outcome.plan, context, variables, refusals?.nodes);
        return responses && policy.maxAgeMs > 0
          ? responses.serve(args.document, args.operationName, variables, context, policy, run)
          : run();
      });
    },
  };
}
