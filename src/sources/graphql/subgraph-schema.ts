import type { GraphQLSchema } from 'graphql';
import type { SourceDefinition } from '../model.js';
import type { Report } from '../protocol.js';
import { buildCheckedSchema, stubLookupPrefix } from '../subschema/source-schema.js';

/** The representation scalar of the gateway's own entity fields (federation's `_Any`, named apart from the subgraph's). */
export const representationScalar = `${stubLookupPrefix}Any`;

/** The gateway-side field that fetches entities of `typeName` through `_entities`, for type merging under delegation. */
export function entitiesFieldOf(typeName: string): string {
  return `${stubLookupPrefix}entities_${typeName}`;
}

/** Entity types a subgraph resolves by a key (`@key` without `resolvable: false`). */
export function resolvableEntities(def: SourceDefinition): string[] {
  return [...(def.federation?.keys ?? [])].flatMap(([typeName, keys]) =>
    keys.some((k) => k.resolvable) ? [typeName] : [],
  );
}

/**
 * A GraphQL source's schema as the gateway builds on it: the subgraph's own types and root
 * fields, plus one `_facet_entities_<Type>` field per entity it resolves (type merging's entry
 * point, answered through `_entities`). Undefined when it is not a valid schema (reported).
 */
export function buildSubgraphSchema(def: SourceDefinition, at: Report): GraphQLSchema | undefined {
  const entities = resolvableEntities(def);
  return buildCheckedSchema(def.document, at, (base) =>
    entities.length
      ? `scalar ${representationScalar}\n${base.getQueryType() ? 'extend type' : 'type'} Query {\n${entities
          .map((t) => `  ${entitiesFieldOf(t)}(representations: [${representationScalar}!]!): [${t}]!`)
          .join('\n')}\n}`
      : '',
  );
}
