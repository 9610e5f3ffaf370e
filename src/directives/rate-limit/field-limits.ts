import { valueFromASTUntyped, type GraphQLField, type GraphQLNamedType } from 'graphql';
import { createGatewayError } from '../../errors/index.js';
import type { FieldDecider, Occurrence } from '../field-gate/index.js';
import type { GatewayContext } from '../../server/context.js';
import type { RateLimitStore } from './store.js';
import type { RateLimitSpec } from './sdl.js';
import { callerKey } from './caller-key.js';
import { waitSeconds } from './wait-seconds.js';

function keyFor(
  spec: RateLimitSpec,
  occurrence: Occurrence<RateLimitSpec>,
  context: GatewayContext,
  variables: Record<string, unknown> | undefined,
): string {
  switch (spec.by) {
    case 'IP':
      return `ip:${context.ip}`;
    case 'CLIENT':
      return 'client';
    case 'API_KEY':
      return context.identity?.consumer ? `consumer:${context.identity.consumer}` : `ip:${context.ip}`;
    case 'ARGUMENT': {
      const node = occurrence.node.arguments?.find((a) => a.name.value === spec.arg);
      return `arg:${node ? JSON.stringify(valueFromASTUntyped(node.value, variables)) : 'none'}`;
    }
    default:
      return callerKey(context);
  }
}

/**
 * @rateLimit on fields. Each occurrence in the document is one hit (aliases count), all decided in
 * order in one atomic store call (one Redis round trip) before execution; a refused occurrence is
 * not executed and comes back as null with RATE_LIMITED and `retryAfter` (seconds), or with
 * RATE_LIMIT_UNAVAILABLE when the store is down and rateLimitStore.onError is deny.
 */
export function createFieldRateLimitDecider(
  client: string,
  specs: ReadonlyMap<string, RateLimitSpec>,
  store: RateLimitStore,
): FieldDecider<RateLimitSpec> | undefined {
  if (specs.size === 0) return undefined;
  return {
    policyOf: (parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>) =>
      specs.get(`${parent.name}.${field.name}`),
    async decide(occurrences, context, variables) {
      const decisions = await store.consumeEach(
        occurrences.map((occurrence) => ({
          key: `field:${client}:${occurrence.typeName}.${occurrence.fieldName}:${keyFor(occurrence.policy, occurrence, context, variables)}`,
          limit: occurrence.policy.max,
          windowMs: occurrence.policy.windowMs,
        })),
      );
      const refused = [];
      for (const [i, decision] of decisions.entries()) {
        if (decision.allowed) continue;
        const occurrence = occurrences[i]!;
        const spec = occurrence.policy;
        const coordinate = `${occurrence.typeName}.${occurrence.fieldName}`;
        const retryAfter = waitSeconds(
          decision.retryAfterMs,
          decision.unavailable ? Number.MAX_SAFE_INTEGER : spec.windowMs,
        );
        const error = decision.unavailable
          ? (path: (string | number)[]) =>
              createGatewayError('RATE_LIMIT_UNAVAILABLE', {
                message: `${coordinate} is rate limited and the limit cannot be checked right now`,
                path,
                extensions: { retryAfter },
              })
          : (path: (string | number)[]) =>
              createGatewayError('RATE_LIMITED', {
                message: `${coordinate} is limited to ${spec.max} per ${spec.window}`,
                path,
                extensions: { retryAfter },
              });
        refused.push({ occurrence, error });
      }
      return refused;
    },
  };
}
