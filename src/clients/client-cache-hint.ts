import { type DirectiveNode, valueFromASTUntyped } from 'graphql';

/**
 * `@cacheControl(maxAge: 30, scope: PRIVATE, inheritMaxAge: true)` on a client type or field:
 * tightens the policy the sources give the responses that touch it (a lower maxAge, PRIVATE),
 * never loosens it. `inheritMaxAge` is accepted for Apollo compatibility: a field without a call
 * of its own already inherits the policy of the call that fetched its parent.
 */
export interface ClientCacheHint {
  maxAgeMs?: number;
  private: boolean;
}

export function readClientCacheHint(
  directive: DirectiveNode,
  report: (message: string) => void,
): ClientCacheHint | undefined {
  const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
  const unknown = Object.keys(args).filter((k) => !['maxAge', 'scope', 'inheritMaxAge'].includes(k));
  if (unknown.length) return void report(`@cacheControl has no argument ${unknown.join(', ')}`);
  const { maxAge, scope, inheritMaxAge } = args;
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && (maxAge as number) >= 0 && (maxAge as number) <= 86_400))
    return void report('@cacheControl maxAge must be a whole number of seconds from 0 to 86400');
  if (scope !== undefined && scope !== 'PUBLIC' && scope !== 'PRIVATE')
    return void report('@cacheControl scope must be PUBLIC or PRIVATE');
  if (inheritMaxAge !== undefined && typeof inheritMaxAge !== 'boolean')
    return void report('@cacheControl inheritMaxAge must be true or false');
  return { ...(maxAge === undefined ? {} : { maxAgeMs: (maxAge as number) * 1000 }), private: scope === 'PRIVATE' };
}
