import { valueFromASTUntyped, type GraphQLField, type GraphQLNamedType } from 'graphql';
import { createGatewayError } from '../../errors/index.js';
import type { FieldDecider, Occurrence } from '../field-gate/index.js';
import type { GatewayContext } from '../../server/context.js';
import type { RateLimitStore } from './store.js';
import type { RateLimitSpec } from './sdl.js';
import { callerKey } from './caller-key.js';

function keyFor(spec: RateLimitSpec, occurrence: Occurrence<RateLimitSpec>, context: GatewayContext, variables: Record<string, unknown> | undefined): string {
  switch (spec.by) {
    case 'IP': return `ip:${context.ip}`;
    case 'CLIENT': return 'client';
    case 'API_KEY': return context.identity?.consumer ? `consumer:${context.identity.consumer}` : `ip:${context.ip}`;
    case 'ARGUMENT': {
      const node = occurrence.node.arguments?.find((a) => a.name.value === spec.arg);
      return `arg:${node ? JSON.stringify(valueFromASTUntyped(node.value, variables)) : 'none'}`;
    }
    default: return callerKey(context);
  }
}

/**
 * @rateLimit on fields. Each occurrence in the document is one hit (aliases count), decided
 * in order on the atomic store before execution; a refused occurrence is not executed and comes
 * back as null with RATE_LIMITED and `retryAfter` (seconds).
 */
export function createFieldRateLimitDecider(client: string, specs: ReadonlyMap<string, RateLimitSpec>, store: RateLimitStore): FieldDecider<RateLimitSpec> | undefined {
  if (specs.size === 0) return undefined;
  return {
    policyOf: (parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>) => specs.get(`${parent.name}.${field.name}`),
    async decide(occurrences, context, variables) {
      const refused = [];
      for (const occurrence of occurrences) {
        const spec = occurrence.policy;
        const coordinate = `${occurrence.typeName}.${occurrence.fieldName}`;
        const decision = await store.consume(`field:${client}:${coordinate}:${keyFor(spec, occurrence, context, variables)}`, spec.max, spec.windowMs);
        if (decision.allowed) continue;
        const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        refused.push({ occurrence, error: (path: (string | number)[]) => createGatewayError('RATE_LIMITED', { message: `${coordinate} is limited to ${spec.max} per ${spec.window}`, path, extensions: { retryAfter } }) });
      }
      return refused;
    },
  };
}
