import { isNonNullType, type GraphQLSchema } from 'graphql';
import type { MergedTypeConfig } from '@graphql-tools/delegate';
import type { EntityKey, FieldBinding } from '../model.js';
import type { Report } from '../protocol.js';
import { stubLookupPrefix } from './source-schema.js';

/**
 * How stitching finds an entity in this source by key: its batch lookup (all keys at once), its
 * single-key lookup, or, without a lookup, the local stub that turns keys into `{ key }` objects.
 */
export function mergeConfigFor(
  entity: EntityKey,
  lookup: FieldBinding | undefined,
  schema: GraphQLSchema,
  at: Report,
): MergedTypeConfig | undefined {
  const selectionSet = `{ ${entity.field} }`;
  const keyOf = (obj: Record<string, unknown>) => obj[entity.field];
  if (!lookup) {
    const fieldName = `${stubLookupPrefix}${entity.typeName}`;
    return { selectionSet, fieldName, key: keyOf, argsFromKeys: (keys) => ({ keys }) };
  }
  if (lookup.batch) {
    const arg = lookup.batch.arg;
    return { selectionSet, fieldName: lookup.fieldName, key: keyOf, argsFromKeys: (keys) => ({ [arg]: keys }) };
  }
  const args = schema.getQueryType()!.getFields()[lookup.fieldName]!.args;
  const required = args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  if (required.length !== 1) {
    at(
      lookup.line,
      `Query.${lookup.fieldName}`,
      '@lookup fields take exactly one required argument (the key) or use @batch',
    );
    return undefined;
  }
  const argName = required[0]!.name;
  return { selectionSet, fieldName: lookup.fieldName, args: (obj) => ({ [argName]: keyOf(obj) }) };
}
