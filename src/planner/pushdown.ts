import { carriedAlias } from './graph-model.js';
import type { EntityJoin } from './entity-joins.js';
import type { PlannedField } from './plan.js';

const carriedPrefix = carriedAlias('');

/** A field read from its parent's own payload (not another source's copy). */
export const fromOwnPayload = (field: PlannedField): boolean => field.fetch.kind === 'property';

/**
 * The selection a GraphQL source is asked for: the planned fields `include` picks (with their
 * own sub-selections, recursively), plus what reads it apart from the client: the key and
 * `@requires` fields the object's joins and calls need, under their carried aliases (`_k_upc:
 * upc`), and those `carries` names. Made once per plan.
 */
export function selectionText(
  fields: readonly PlannedField[],
  joins: readonly EntityJoin[] | undefined,
  include: (field: PlannedField) => boolean,
  carries: Iterable<string> = [],
): string {
  const carried = new Set(carries);
  const carry = (path: readonly string[]) => {
    if (path.length === 1 && path[0]!.startsWith(carriedPrefix)) carried.add(path[0]!.slice(carriedPrefix.length));
  };
  for (const join of joins ?? []) for (const [, path] of join.fromParent) carry(path);
  const parts: string[] = [];
  for (const field of fields) {
    if (field.fetch.kind === 'call' && field.fetch.stub) carry([field.fetch.stub.from]);
    if (!field.pushedAs || !include(field)) continue;
    parts.push(
      field.selection
        ? `${field.pushedAs}${selectionText(field.selection, field.joins, fromOwnPayload)}`
        : field.pushedAs,
    );
  }
  for (const name of carried) parts.push(`${carriedAlias(name)}:${name}`);
  return `{${parts.length ? parts.join(' ') : '__typename'}}`;
}
