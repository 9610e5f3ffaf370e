import type { SourceCallContext } from '../sources/index.js';
import { readPath } from '../sources/template.js';
import { notLoaded, type EntityJoin } from './entity-joins.js';
import { UnresolvedEntity } from './fetch-field.js';
import type { PlannedField } from './plan.js';

type Groups = Map<EntityJoin, object[]>;

/**
 * Loads every other-source copy a fetched payload leads to, wave by wave, before it is completed:
 * the objects of the payload (at any depth of a pushed-down answer) are grouped by join, each
 * group is one batch, and the copies' own sub-objects form the next wave. Completion then reads
 * every joined field synchronously: one promise per batch, not one per field.
 */
export function preloadJoins(
  field: PlannedField,
  payload: unknown,
  context: SourceCallContext,
): Promise<unknown> | unknown {
  const groups: Groups = new Map();
  collect(field.selection, field.joins, payload, groups);
  return groups.size ? loadWaves(groups, context).then(() => payload) : payload;
}

/** Whether a field's payload leads to joins: its objects have some, or children read from the payload do (planned first). */
export function leadsToJoins(field: PlannedField): boolean {
  if (field.joins?.length) return true;
  return (field.selection ?? []).some((child) => child.fetch.kind === 'property' && child.joinsBelow);
}

function collect(
  selection: readonly PlannedField[] | undefined,
  joins: readonly EntityJoin[] | undefined,
  value: unknown,
  groups: Groups,
): void {
  if (!selection || value === null || typeof value !== 'object' || value instanceof Error) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(selection, joins, item, groups);
    return;
  }
  // an entity its own source could not look up still has its key: other sources' copies are asked by it
  const parent: object = value instanceof UnresolvedEntity ? value.stub : value;
  if (joins)
    for (const join of joins) {
      const parents = groups.get(join);
      if (parents) parents.push(parent);
      else groups.set(join, [parent]);
    }
  for (const child of selection)
    if (child.joinsBelow && child.fetch.kind === 'property')
      collect(child.selection, child.joins, readPath(parent, child.fetch.path), groups);
}

async function loadWaves(groups: Groups, context: SourceCallContext): Promise<void> {
  await Promise.all([...groups].map(([join, parents]) => join.loadAll(parents, context)));
  const next: Groups = new Map();
  for (const [join, parents] of groups)
    for (const child of join.fields) {
      if (!child.joinsBelow || child.fetch.kind !== 'joined') continue;
      for (const parent of parents) {
        const copy = join.copyOf(parent);
        if (copy === notLoaded || copy === null || typeof copy !== 'object' || copy instanceof Error) continue;
        collect(child.selection, child.joins, readPath(copy, child.fetch.path), next);
      }
    }
  if (next.size) await loadWaves(next, context);
}
