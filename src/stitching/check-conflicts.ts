import { type GraphQLObjectType, isObjectType, printType, type GraphQLNamedType } from 'graphql';
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
  const entityIn = (source: BuiltSource, typeName: string) =>
    source.definition.entities.some((e) => e.typeName === typeName);
  /** `schema/x.graphql:12`: where the other declaration is, for messages that name two files. */
  const located = (source: BuiltSource, line: number | undefined) =>
    `${source.definition.file}${line ? `:${line}` : ''}`;

  for (const [typeName, list] of owners) {
    if (list.length < 2) continue;
    const [first, ...others] = list;
    if (!first) continue;
    const where = list
      .map((o) => `${o.source.name} (${located(o.source, o.type.astNode?.loc?.startToken.line)})`)
      .join(' and ');
    if (rootTypes.has(typeName)) {
      const seen = new Map<string, { source: BuiltSource; line?: number }>();
      for (const { source, type } of list) {
        for (const [fieldName, field] of Object.entries((type as GraphQLObjectType).getFields())) {
          if (fieldName.startsWith(stubLookupPrefix)) continue;
          const line = field.astNode?.loc?.startToken.line;
          const other = seen.get(fieldName);
          if (other)
            problems.add({
              file: source.definition.file,
              line,
              path: `${typeName}.${fieldName}`,
              message: `root field ${typeName}.${fieldName} is also declared by source ${other.source.name} (${located(other.source, other.line)})`,
            });
          seen.set(fieldName, { source, line });
        }
      }
      continue;
    }
    if (isObjectType(first.type)) {
      const notEntity = list.filter((o) => !entityIn(o.source, typeName));
      if (notEntity.length) {
        problems.add({
          file: notEntity[0]!.source.definition.file,
          line: notEntity[0]!.type.astNode?.loc?.startToken.line,
          path: typeName,
          message: `type ${typeName} is defined by ${where}; a type shared by sources must be an entity with @key in each`,
        });
        continue;
      }
      checkShareable(typeName, list, problems, located);
      const fieldTypes = new Map<string, { type: string; source: BuiltSource; line?: number }>();
      for (const { source, type } of list) {
        for (const field of Object.values((type as GraphQLObjectType).getFields())) {
          const line = field.astNode?.loc?.startToken.line;
          const known = fieldTypes.get(field.name);
          if (known && known.type !== String(field.type)) {
            problems.add({
              file: source.definition.file,
              line,
              path: `${typeName}.${field.name}`,
              message: `${typeName}.${field.name} is ${String(field.type)} here but ${known.type} in source ${known.source.name} (${located(known.source, known.line)})`,
            });
          }
          fieldTypes.set(field.name, { type: String(field.type), source, line });
        }
      }
      continue;
    }
    for (const other of others) {
      if (printType(other.type) !== printType(first.type)) {
        problems.add({
          file: other.source.definition.file,
          line: other.type.astNode?.loc?.startToken.line,
          path: typeName,
          message: `${typeName} is declared differently by ${first.source.name} (${located(first.source, first.type.astNode?.loc?.startToken.line)}); shared enums, inputs and scalars must be identical`,
        });
      }
    }
  }
}

/**
 * Federation's rule between subgraphs: a field two of them declare must be a key field or
 * `@shareable` in both (else which one answers is a guess). REST and gRPC sources declare what
 * their payloads hold and are not held to it.
 */
function checkShareable(
  typeName: string,
  list: ReadonlyArray<{ source: BuiltSource; type: GraphQLNamedType }>,
  problems: ProblemList,
  located: (source: BuiltSource, line: number | undefined) => string,
): void {
  const subgraphs = list.filter((o) => o.source.definition.federation);
  const claimed = new Map<string, { source: BuiltSource; line?: number }>();
  for (const { source, type } of subgraphs) {
    const federation = source.definition.federation!;
    const keyFields = new Set((federation.keys.get(typeName) ?? []).flatMap((k) => k.fields));
    for (const field of Object.values((type as GraphQLObjectType).getFields())) {
      if (keyFields.has(field.name)) continue;
      const coordinate = `${typeName}.${field.name}`;
      const line = field.astNode?.loc?.startToken.line;
      const other = claimed.get(field.name);
      const shareable = (s: BuiltSource) => s.definition.federation!.shareable.has(coordinate);
      if (other && !(shareable(source) && shareable(other.source)))
        problems.add({
          file: source.definition.file,
          line,
          path: coordinate,
          message: `${coordinate} is also declared by subgraph ${other.source.name} (${located(other.source, other.line)}); mark it @shareable in both, or @external here`,
        });
      claimed.set(field.name, { source, line });
    }
  }
}
