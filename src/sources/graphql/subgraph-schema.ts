import { buildASTSchema, concatAST, parse, validateSchema, type GraphQLSchema } from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import type { SourceDefinition } from '../model.js';
import type { Report } from '../protocol.js';
import { stubLookupPrefix } from '../subschema/source-schema.js';

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
  let failed = false;
  const report: Report = (line, path, message) => {
    failed = true;
    at(line, path, message);
  };
  for (const error of validateSDL(def.document)) report(error.locations?.[0]?.line, '', error.message);
  if (failed) return undefined;
  const entities = resolvableEntities(def);
  const hasQuery = def.bindings.some((b) => b.typeName === 'Query');
  const extra = entities.length
    ? `scalar ${representationScalar}\n${hasQuery ? 'extend type' : 'type'} Query {\n${entities
        .map((t) => `  ${entitiesFieldOf(t)}(representations: [${representationScalar}!]!): [${t}]!`)
        .join('\n')}\n}`
    : '';
  const schema = buildASTSchema(extra ? concatAST([def.document, parse(extra)]) : def.document, {
    assumeValidSDL: true,
  });
  for (const error of validateSchema(schema)) report(error.locations?.[0]?.line, '', error.message);
  return failed ? undefined : schema;
}
