import {
  buildASTSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import type { ProblemList } from '../config/config-error.js';
import { didYouMean } from '../config/nearest.js';
import type { ClientDefinition } from './parse-client.js';
import { isGroupField, isUserType } from './client-groups.js';
import { rootReferenceProblems } from './check-root-references.js';
import { unknownTypeMessage, unknownTypeReferences } from './check-type-references.js';

export { isUserType } from './client-groups.js';

/** A client type may be the graph's type or a nullable relaxation of it (a failure stays local). */
export function isCompatibleType(client: GraphQLType, graph: GraphQLType): boolean {
  if (isNonNullType(client)) return isNonNullType(graph) && isCompatibleType(client.ofType, graph.ofType);
  if (isNonNullType(graph)) return isCompatibleType(client, graph.ofType);
  if (isListType(client)) return isListType(graph) && isCompatibleType(client.ofType, graph.ofType);
  if (isListType(graph)) return false;
  return getNamedType(client).name === getNamedType(graph).name;
}

/**
 * Checks a client schema against the graph: every type and field it projects exists there with a
 * compatible type and arguments; every client-only field says where its data comes from (@from).
 * Returns the client schema (built from its SDL) when it is sound.
 * `graphComplete` is false when some source failed to load: what the graph lacks may then come
 * from that source, so "not in the graph" problems are left out (they would be guesses) and
 * everything else is still checked.
 */
export function checkClientSchema(
  client: ClientDefinition,
  graph: GraphQLSchema,
  problems: ProblemList,
  graphComplete = true,
): GraphQLSchema | undefined {
  const before = problems.items.length;
  const file = client.schemaFile;
  const unknownTypes = unknownTypeReferences(client.document, graph, graphComplete);
  for (const { line, path, message } of unknownTypes) problems.add({ file, line, path, message });
  const reported = new Set(unknownTypes.map((p) => p.typeName));
  for (const error of validateSDL(client.document)) {
    if (reported.has(unknownTypeMessage.exec(error.message)?.[1] ?? '')) continue;
    problems.add({ file, line: error.locations?.[0]?.line, message: error.message });
  }
  if (problems.items.length > before) return undefined;
  const schema = buildASTSchema(client.document, { assumeValidSDL: true });
  const at = (coordinate: string, message: string, line?: number) =>
    problems.add({
      file,
      line: line ?? client.lines.get(coordinate) ?? lineOfType(schema, coordinate),
      path: coordinate,
      message,
    });
  // a problem that only says the (incomplete) graph lacks something
  const missing: typeof at = graphComplete ? at : () => {};

  if (!schema.getQueryType()) at('Query', 'a client schema needs a Query type');
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isUserType(type)) continue;
    const graphType = graph.getType(type.name);
    if (!graphType) {
      if (!isObjectType(type)) {
        missing(type.name, `${type.name} is not in the graph; only object types may be client-only`);
        continue;
      }
      for (const field of Object.values(type.getFields())) checkClientOnlyField(type, field);
      continue;
    }
    if (graphType.constructor !== type.constructor) {
      at(type.name, `${type.name} is a different kind of type in the graph`);
      continue;
    }
    if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(graphType) || isInterfaceType(graphType))) {
      const graphFields = graphType.getFields();
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (client.from.has(coordinate) && isObjectType(type)) {
          checkClientOnlyField(type, field);
          continue;
        }
        const graphField = graphFields[field.name];
        if (!graphField) {
          if (isGroupField(field, false, graph) && (type.name === 'Query' || type.name === 'Mutation')) continue;
          missing(
            coordinate,
            `${coordinate} is not in the graph; add it to a source under schema/ or declare it with @from`,
          );
          continue;
        }
        checkProjectedField(coordinate, field, graphField);
      }
    } else if (isEnumType(type) && isEnumType(graphType)) {
      const values = new Set(graphType.getValues().map((v) => v.name));
      for (const value of type.getValues())
        if (!values.has(value.name)) at(type.name, `enum value ${type.name}.${value.name} is not in the graph`);
    } else if (isInputObjectType(type) && isInputObjectType(graphType)) {
      const graphFields = graphType.getFields();
      for (const field of Object.values(type.getFields())) {
        const graphField = graphFields[field.name];
        if (!graphField) at(`${type.name}.${field.name}`, `input field ${type.name}.${field.name} is not in the graph`);
        else if (String(graphField.type) !== String(field.type))
          at(
            `${type.name}.${field.name}`,
            `${type.name}.${field.name} is ${String(graphField.type)} in the graph, not ${String(field.type)}`,
          );
      }
      for (const graphField of Object.values(graphFields)) {
        if (
          isNonNullType(graphField.type) &&
          graphField.defaultValue === undefined &&
          !type.getFields()[graphField.name]
        )
          at(type.name, `${type.name} must include required input field ${graphField.name}`);
      }
    } else if (isUnionType(type) && isUnionType(graphType)) {
      const members = new Set(graphType.getTypes().map((t) => t.name));
      for (const member of type.getTypes())
        if (!members.has(member.name)) at(type.name, `${member.name} is not a member of ${type.name} in the graph`);
    }
  }
  return problems.items.length > before ? undefined : schema;

  function checkProjectedField(
    coordinate: string,
    field: GraphQLField<unknown, unknown>,
    graphField: GraphQLField<unknown, unknown>,
  ) {
    if (!isCompatibleType(field.type, graphField.type))
      at(coordinate, `${coordinate} is ${String(graphField.type)} in the graph, not ${String(field.type)}`);
    for (const arg of field.args) {
      const graphArg = graphField.args.find((a) => a.name === arg.name);
      if (!graphArg) at(coordinate, `${coordinate} has no argument "${arg.name}" in the graph`);
      else if (String(graphArg.type) !== String(arg.type))
        at(
          coordinate,
          `argument ${coordinate}(${arg.name}) is ${String(graphArg.type)} in the graph, not ${String(arg.type)}`,
        );
    }
    for (const graphArg of graphField.args) {
      if (
        isNonNullType(graphArg.type) &&
        graphArg.defaultValue === undefined &&
        !field.args.some((a) => a.name === graphArg.name)
      ) {
        at(coordinate, `${coordinate} must keep its required argument "${graphArg.name}"`);
      }
    }
  }

  function checkClientOnlyField(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>) {
    const coordinate = `${type.name}.${field.name}`;
    const spec = client.from.get(coordinate);
    if (!spec) {
      if (isGroupField(field, false, graph)) return; // a client-only group, like `home: Home!`
      missing(
        coordinate,
        `${coordinate} is client-only: declare where it comes from with @from(query: "<graph field>", args: {...})`,
      );
      return;
    }
    for (const { message, graphGap } of rootReferenceProblems(type, spec.args, schema, graph, (c) =>
      client.from.has(c),
    ))
      (graphGap ? missing : at)(coordinate, message, spec.line);
    const rootType = spec.operation === 'query' ? graph.getQueryType() : graph.getMutationType();
    const target = rootType?.getFields()[spec.fieldName];
    if (!target) {
      missing(
        coordinate,
        `@from(${spec.operation}: "${spec.fieldName}"): the graph has no ${spec.operation} field ${spec.fieldName}${didYouMean(spec.fieldName, Object.keys(rootType?.getFields() ?? {}))}`,
        spec.line,
      );
      return;
    }
    if (!isCompatibleType(field.type, target.type))
      at(
        coordinate,
        `${coordinate} is ${String(field.type)} but ${spec.fieldName} returns ${String(target.type)}`,
        spec.line,
      );
    for (const name of Object.keys(spec.args))
      if (!target.args.some((a) => a.name === name))
        at(coordinate, `@from: ${spec.fieldName} has no argument "${name}"`, spec.line);
    for (const arg of target.args) {
      if (isNonNullType(arg.type) && arg.defaultValue === undefined && spec.args[arg.name] === undefined)
        at(coordinate, `@from: ${spec.fieldName} needs argument "${arg.name}"`, spec.line);
    }
  }
}

function lineOfType(schema: GraphQLSchema, coordinate: string): number | undefined {
  return schema.getType(coordinate.split('.')[0] ?? '')?.astNode?.loc?.startToken.line;
}
