import { getNamedType, isObjectType, type GraphQLField, type GraphQLNamedType } from 'graphql';
import type { Identity } from '../../auth/index.js';
import { createGatewayError } from '../../errors/index.js';
import type { FieldDecider } from '../field-gate/index.js';
import type { AuthPolicy } from './sdl.js';

type Verdict = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN';

/** Whether an identity satisfies one policy. No identity fails every policy as UNAUTHENTICATED. */
export function checkPolicy(policy: AuthPolicy, identity: Identity | null): Verdict {
  if (!identity) return 'UNAUTHENTICATED';
  if (policy.scopes && !policy.scopes.some((all) => all.every((scope) => identity.scopes.includes(scope))))
    return 'FORBIDDEN';
  if (policy.roles && !policy.roles.some((role) => identity.roles?.includes(role))) return 'FORBIDDEN';
  return 'ok';
}

/**
 * The authorization decider of one client: a field is guarded by its own policy and by the
 * policies of the type it returns (and that type's interfaces). All must pass.
 */
export function createAuthorizationDecider(
  policies: ReadonlyMap<string, AuthPolicy>,
): FieldDecider<AuthPolicy[]> | undefined {
  if (policies.size === 0) return undefined;
  const policyOf = (parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>): AuthPolicy[] | undefined => {
    const found: AuthPolicy[] = [];
    const own = policies.get(`${parent.name}.${field.name}`);
    if (own) found.push(own);
    const returned = getNamedType(field.type);
    const ofType = policies.get(returned.name);
    if (ofType) found.push(ofType);
    if (isObjectType(returned))
      for (const iface of returned.getInterfaces()) {
        const p = policies.get(iface.name);
        if (p) found.push(p);
      }
    return found.length ? found : undefined;
  };
  return {
    policyOf,
    decide(occurrences, context) {
      const refused = [];
      for (const occurrence of occurrences) {
        let verdict: Verdict = 'ok';
        for (const policy of occurrence.policy) {
          verdict = checkPolicy(policy, context.identity);
          if (verdict !== 'ok') break;
        }
        if (verdict === 'ok') continue;
        const coordinate = `${occurrence.typeName}.${occurrence.fieldName}`;
        const message =
          verdict === 'UNAUTHENTICATED'
            ? `${coordinate} needs an authenticated caller`
            : `${coordinate} needs scopes or roles the caller does not have`;
        refused.push({
          occurrence,
          error: (path: (string | number)[]) => createGatewayError(verdict as 'FORBIDDEN', { message, path }),
        });
      }
      return refused;
    },
  };
}
