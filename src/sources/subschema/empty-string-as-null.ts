import { getNamedType, GraphQLObjectType, isNonNullType, type GraphQLSchema } from 'graphql';
import type { SourceDefinition } from '../model.js';
import { readPath, splitPath } from '../template.js';
import type { Resolvers } from './resolvers.js';

/**
 * For protocols whose payloads cannot tell an unset string from an empty one (proto3: both
 * arrive as ""), nullable String/ID fields read "" as null — the GraphQL meaning of "no value"
 * (e.g. `nextCursor` on the last page). Fields that already have a resolver keep it.
 */
export function addEmptyStringAsNull(schema: GraphQLSchema, resolvers: Resolvers, def: SourceDefinition): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (
      !(type instanceof GraphQLObjectType) ||
      type.name.startsWith('__') ||
      type === schema.getQueryType() ||
      type === schema.getMutationType()
    )
      continue;
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) || resolvers[type.name]?.[field.name]) continue;
      const named = getNamedType(field.type).name;
      if (named !== 'String' && named !== 'ID') continue;
      const from = splitPath(
        def.bindings.find((b) => b.typeName === type.name && b.fieldName === field.name)?.mapFrom ?? field.name,
      );
      resolvers[type.name] ??= {};
      resolvers[type.name]![field.name] = (parent) => {
        const value = readPath(parent, from);
        return value === '' ? null : value;
      };
    }
  }
}
