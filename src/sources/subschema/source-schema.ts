import {
  buildASTSchema,
  concatAST,
  getNamedType,
  GraphQLObjectType,
  parse,
  validateSchema,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import type { FieldBinding, SourceDefinition } from '../model.js';
import type { Report } from '../protocol.js';

/** Prefix of the local lookup fields generated for entities a source extends but cannot look up. */
export const stubLookupPrefix = '_facet_';

export interface SourceSchema {
  schema: GraphQLSchema;
  /** The source's own `@lookup` field of each entity type it can look up. */
  lookups: Map<string, FieldBinding>;
}

/**
 * The source's SDL as a schema, checked. Entities this source extends without a lookup of its
 * own get a local stub lookup: the gateway hands it the keys, it returns `{ key }` objects, and
 * the source's fields resolve from there. Undefined when the SDL has problems (reported).
 */
export function buildSourceSchema(def: SourceDefinition, at: Report): SourceSchema | undefined {
  const lookups = new Map<string, FieldBinding>();
  const schema = buildCheckedSchema(def.document, at, (base) => {
    for (const binding of def.bindings) {
      if (!binding.lookup) continue;
      const field = base.getQueryType()?.getFields()[binding.fieldName];
      if (field) lookups.set(getNamedType(field.type).name, binding);
    }
    const stubs = def.entities.filter((e) => !lookups.has(e.typeName));
    if (!stubs.length) return '';
    const fields = stubs.map((e) => {
      const keyType = (base.getType(e.typeName) as GraphQLObjectType).getFields()[e.field]!.type;
      return `${stubLookupPrefix}${e.typeName}(keys: [${getNamedType(keyType).name}!]!): [${e.typeName}]!`;
    });
    return `${base.getQueryType() ? 'extend type' : 'type'} Query {\n  ${fields.join('\n  ')}\n}`;
  });
  if (!schema) return undefined;
  let failed = false;
  for (const entity of def.entities) {
    if (schema.getType(entity.typeName) instanceof GraphQLObjectType) continue;
    failed = true;
    at(entity.line, entity.typeName, '@key goes on object types');
  }
  return failed ? undefined : { schema, lookups };
}

/**
 * A source's SDL built as a schema, with the fields the gateway adds (`extraOf`, SDL made from the
 * schema without them), its SDL and schema problems reported; undefined when it has any.
 */
export function buildCheckedSchema(
  document: DocumentNode,
  at: Report,
  extraOf: (base: GraphQLSchema) => string,
): GraphQLSchema | undefined {
  let failed = false;
  const report: Report = (line, path, message) => {
    failed = true;
    at(line, path, message);
  };
  for (const error of validateSDL(document)) report(error.locations?.[0]?.line, '', error.message);
  if (failed) return undefined;
  const base = buildASTSchema(document, { assumeValidSDL: true });
  const extra = extraOf(base);
  const schema = extra ? buildASTSchema(concatAST([document, parse(extra)]), { assumeValidSDL: true }) : base;
  for (const error of validateSchema(schema)) report(error.locations?.[0]?.line, '', error.message);
  return failed ? undefined : schema;
}
