import type { GraphQLError } from 'graphql';
import { placeholderKey } from './remove-fields.js';

export interface Refusal {
  path: string[];
  nullable: boolean[];
  error: (path: (string | number)[]) => GraphQLError;
}

type Data = Record<string, unknown>;

/**
 * Writes refused fields back into the result as GraphQL would have: null at each concrete path
 * (through lists), bubbling to the nearest nullable parent for non-null fields, with one error
 * per concrete path. Removes the placeholders left by removeFields.
 */
export function patchResult(
  data: Data | null | undefined,
  refusals: Refusal[],
  errors: GraphQLError[],
): Data | null | undefined {
  if (!data) return data;
  let root: Data | null = data;
  for (const refusal of refusals) {
    // the deepest index (into path) that may be null, at or above the refused field
    let nullAt = refusal.path.length - 1;
    while (nullAt >= 0 && !refusal.nullable[nullAt]) nullAt--;
    const visitAll = (value: unknown, depth: number, concrete: (string | number)[]) => {
      if (value === null || value === undefined) return;
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          visitAll(item, depth, [...concrete, i]);
        });
        return;
      }
      const key = refusal.path[depth]!;
      if (depth === refusal.path.length - 1) {
        errors.push(refusal.error([...concrete, key]));
      } else {
        visitAll((value as Data)[key], depth + 1, [...concrete, key]);
      }
      if (depth === nullAt) (value as Data)[key] = null;
    };
    if (nullAt < 0) {
      // nothing on the way is nullable: the whole data becomes null
      errors.push(refusal.error(refusal.path));
      root = null;
      break;
    }
    visitAll(root, 0, []);
  }
  if (root) stripPlaceholders(root);
  return root;
}

function stripPlaceholders(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) stripPlaceholders(item);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Data;
  if (placeholderKey in record) delete record[placeholderKey];
  for (const inner of Object.values(record)) stripPlaceholders(inner);
}
