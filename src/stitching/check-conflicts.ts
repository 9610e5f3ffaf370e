import { GraphQLObjectType, isObjectType, printType, type GraphQLNamedType } from 'graphql';
import type { ProblemList } from '../config/config-error.js';
import { stubLookupPrefix, type BuiltSource } from '../sources/index.js';

const rootTypes = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * Conflicts stitching would otherwise resolve silently (last one wins): a root field declared by
 * two sources, an object type in two sources that is not an entity (@key) in both, a shared field
 * with different types, or a non-object type (enum, input, scalar) declared differently.
 */
export function checkConflicts(sources: BuiltSource[], problems: ProblemList): void {
  const owners = new Map<string, { source: BuiltSource; type: GraphQLNamedType }[]>();
  for (const source of sources) {
    for (const type of Object.values(source.subschema.schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const list = owners.get(type.name) ?? [];
      list.push({ source, type });
      owners.set(type.name, list);
    }
  }
  const entityIn = (source: BuiltSource, typeName: string) => source.definition.entities.some((e) => e.typeName === typeName);

  for (const [typeName, list] of owners) {
    if (list.length < 2) continue;
    const [first, ...others] = list;
    if (!first) continue;
    const where = list.map((o) => `${o.source.name} (${o.source.definition.file})`).join(' and ');
    if (rootTypes.has(typeName)) {
      const seen = new Map<string, BuiltSource>();
      for (const { source, type } of list) {
        for (const fieldName of Object.keys((type as GraphQLObjectType).getFields())) {
          if (fieldName.startsWith(stubLookupPrefix)) continue;
          const other = seen.get(fieldName);
          if (other) problems.add({ file: source.definition.file, line: (type as GraphQLObjectType).getFields()[fieldName]?.astNode?.loc?.startToken.line, path: `${typeName}.${fieldName}`, message: `root field ${typeName}.${fieldName} is also declared by source ${other.name} (${other.definition.file})` });
          seen.set(fieldName, source);
        }
      }
      continue;
    }
    if (isObjectType(first.type)) {
      const notEntity = list.filter((o) => !entityIn(o.source, typeName));
      if (notEntity.length) {
        problems.add({ file: notEntity[0]!.source.definition.file, line: notEntity[0]!.type.astNode?.loc?.startToken.line, path: typeName, message: `type ${typeName} is defined by ${where}; a type shared by sources must be an entity with @key in each` });
        continue;
      }
      const fieldTypes = new Map<string, { type: string; source: BuiltSource }>();
      for (const { source, type } of list) {
        for (const field of Object.values((type as GraphQLObjectType).getFields())) {
          const known = fieldTypes.get(field.name);
          if (known && known.type !== String(field.type)) {
            problems.add({ file: source.definition.file, line: field.astNode?.loc?.startToken.line, path: `${typeName}.${field.name}`, message: `${typeName}.${field.name} is ${String(field.type)} here but ${known.type} in source ${known.source.name} (${known.source.definition.file})` });
          }
          fieldTypes.set(field.name, { type: String(field.type), source });
        }
      }
      continue;
    }
    for (const other of others) {
      if (printType(other.type) !== printType(first.type)) {
        problems.add({ file: other.source.definition.file, line: other.type.astNode?.loc?.startToken.line, path: typeName, message: `${typeName} is declared differently by ${first.source.name} (${first.source.definition.file}); shared enums, inputs and scalars must be identical` });
      }
    }
  }
}
