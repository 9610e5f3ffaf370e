import { getNamedType } from 'graphql';
import type { ClientCacheHint } from '../clients/client-cache-hint.js';
import type { CacheHint } from '../sources/model.js';
import type { GraphModel } from './graph-model.js';
import type { Plan, PlannedField } from './plan.js';

/** How long the response of an operation may be served again, and to whom; maxAgeMs 0: not at all. */
export interface CachePolicy {
  maxAgeMs: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

export const noCaching: CachePolicy = Object.freeze({ maxAgeMs: 0, scope: 'PUBLIC' });

/**
 * The cache policy of a plan's responses, Apollo's way over the calls it makes: the minimum
 * `maxAge` of every call it may make (a call without `@cacheControl` makes it 0), PRIVATE when
 * any call is PRIVATE or a `@from` argument comes from the caller's identity; a client's own
 * `@cacheControl` on a field or its type lowers it further or makes it PRIVATE. Fields read from a
 * payload inherit the policy of the call that fetched it. Mutations are never cached.
 */
export function planCachePolicy(
  plan: Plan,
  model: GraphModel,
  clientHints: ReadonlyMap<string, ClientCacheHint>,
): CachePolicy {
  if (plan.serial) return noCaching;
  let maxAgeMs = Number.POSITIVE_INFINITY;
  let isPrivate = false;
  const limit = (hint: CacheHint | undefined) => {
    maxAgeMs = Math.min(maxAgeMs, hint?.maxAgeMs ?? 0);
    if (hint?.scope === 'PRIVATE') isPrivate = true;
  };
  const visit = (fields: readonly PlannedField[]) => {
    for (const field of fields) {
      const { fetch } = field;
      if (fetch.kind === 'call') limit(fetch.serve.cache);
      else if (fetch.kind === 'from') {
        limit(fetch.serve.cache);
        if (fetch.needsIdentity) isPrivate = true;
      } else if (fetch.kind === 'ref' && fetch.lookup) limit(fetch.lookup.cache);
      else if (fetch.kind === 'joined')
        limit(
          fetch.join.federated ? undefined : model.entity(fetch.join.typeName)?.lookups.get(fetch.join.source)?.cache,
        );
      for (const hint of [
        clientHints.get(`${field.parentType.name}.${field.fieldName}`),
        clientHints.get(getNamedType(field.type).name),
      ]) {
        if (hint?.maxAgeMs !== undefined) maxAgeMs = Math.min(maxAgeMs, hint.maxAgeMs);
        if (hint?.private) isPrivate = true;
      }
      if (field.selection) visit(field.selection);
      if (field.hoist) visit(field.hoist.children);
    }
  };
  visit(plan.fields);
  return Number.isFinite(maxAgeMs) && maxAgeMs > 0 ? { maxAgeMs, scope: isPrivate ? 'PRIVATE' : 'PUBLIC' } : noCaching;
}
