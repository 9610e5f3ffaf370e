import {
  buildASTSchema, getNamedType, isEnumType, isInputObjectType, isInterfaceType, isListType, isNonNullType,
  isObjectType, isUnionType, isSpecifiedScalarType, isIntrospectionType,
  type GraphQLField, type GraphQLNamedType, type GraphQLSchema, type GraphQLType,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import type { ProblemList } from '../config/config-error.js';
import type { ClientDefinition } from './parse-client.js';

/** A client type may be the graph's type or a nullable relaxation of it (a failure stays local). */
export function isCompatibleType(client: GraphQLType, graph: GraphQLType): boolean {
  if (isNonNullType(client)) return isNonNullType(graph) && isCompatibleType(client.ofType, graph.ofType);
  if (isNonNullType(graph)) return isCompatibleType(client, graph.ofType);
  if (isListType(client)) return isListType(graph) && isCompatibleType(client.ofType, graph.ofType);
  if (isListType(graph)) return false;
  return getNamedType(client).name === getNamedType(graph).name;
}

export function isUserType(type: GraphQLNamedType): boolean {
  return !isIntrospectionType(type) && !isSpecifiedScalarType(type);
}

/**
 * Checks a client schema against the graph: every type and field it projects exists there with a
 * compatible type and arguments; every client-only field says where its data comes from (@from).
 * Returns the client schema (built from its SDL) when it is sound.
 */
export function checkClientSchema(client: ClientDefinition, graph: GraphQLSchema, problems: ProblemList): GraphQLSchema | undefined {
  const before = problems.items.length;
  const file = client.schemaFile;
  for (const error of validateSDL(client.document)) problems.add({ file, line: error.locations?.[0]?.line, message: error.message });
  if (problems.items.length > before) return undefined;
  const schema = buildASTSchema(client.document, { assumeValidSDL: true });
  const at = (coordinate: string, message: string, line?: number) => problems.add({ file, line: line ?? client.lines.get(coordinate) ?? lineOfType(schema, coordinate), path: coordinate, message });

  if (!schema.getQueryType()) at('Query', 'a client schema needs a Query type');
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isUserType(type)) continue;
    const graphType = graph.getType(type.name);
    if (!graphType) {
      if (!isObjectType(type)) { at(type.name, `${type.name} is not in the graph; only object types may be client-only`); continue; }
      for (const field of Object.values(type.getFields())) checkClientOnlyField(`${type.name}.${field.name}`, field);
      continue;
    }
    if (graphType.constructor !== type.constructor) { at(type.name, `${type.name} is a different kind of type in the graph`); continue; }
    if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(graphType) || isInterfaceType(graphType))) {
      const graphFields = graphType.getFields();
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (client.from.has(coordinate)) { checkClientOnlyField(coordinate, field); continue; }
        const graphField = graphFields[field.name];
        if (!graphField) {
          if (isObjectType(getNamedType(field.type)) && !graph.getType(getNamedType(field.type).name) && (type.name === 'Query' || type.name === 'Mutation')) continue;
          at(coordinate, `${coordinate} is not in the graph; add it to a source under schema/ or declare it with @from`);
          continue;
        }
        checkProjectedField(coordinate, field, graphField);
      }
    } else if (isEnumType(type) && isEnumType(graphType)) {
      const values = new Set(graphType.getValues().map((v) => v.name));
      for (const value of type.getValues()) if (!values.has(value.name)) at(type.name, `enum value ${type.name}.${value.name} is not in the graph`);
    } else if (isInputObjectType(type) && isInputObjectType(graphType)) {
      const graphFields = graphType.getFields();
      for (const field of Object.values(type.getFields())) {
        const graphField = graphFields[field.name];
        if (!graphField) at(`${type.name}.${field.name}`, `input field ${type.name}.${field.name} is not in the graph`);
        else if (String(graphField.type) !== String(field.type)) at(`${type.name}.${field.name}`, `${type.name}.${field.name} is ${String(graphField.type)} in the graph, not ${String(field.type)}`);
      }
      for (const graphField of Object.values(graphFields)) {
        if (isNonNullType(graphField.type) && graphField.defaultValue === undefined && !type.getFields()[graphField.name]) at(type.name, `${type.name} must include required input field ${graphField.name}`);
      }
    } else if (isUnionType(type) && isUnionType(graphType)) {
      const members = new Set(graphType.getTypes().map((t) => t.name));
      for (const member of type.getTypes()) if (!members.has(member.name)) at(type.name, `${member.name} is not a member of ${type.name} in the graph`);
    }
  }
  return problems.items.length > before ? undefined : schema;

  function checkProjectedField(coordinate: string, field: GraphQLField<unknown, unknown>, graphField: GraphQLField<unknown, unknown>) {
    if (!isCompatibleType(field.type, graphField.type)) at(coordinate, `${coordinate} is ${String(graphField.type)} in the graph, not ${String(field.type)}`);
    for (const arg of field.args) {
      const graphArg = graphField.args.find((a) => a.name === arg.name);
      if (!graphArg) at(coordinate, `${coordinate} has no argument "${arg.name}" in the graph`);
      else if (String(graphArg.type) !== String(arg.type)) at(coordinate, `argument ${coordinate}(${arg.name}) is ${String(graphArg.type)} in the graph, not ${String(arg.type)}`);
    }
    for (const graphArg of graphField.args) {
      if (isNonNullType(graphArg.type) && graphArg.defaultValue === undefined && !field.args.some((a) => a.name === graphArg.name)) {
        at(coordinate, `${coordinate} must keep its required argument "${graphArg.name}"`);
      }
    }
  }

  function checkClientOnlyField(coordinate: string, field: GraphQLField<unknown, unknown>) {
    const spec = client.from.get(coordinate);
    if (!spec) {
      const named = getNamedType(field.type);
      if (isObjectType(named) && !graph.getType(named.name) && !isListType(isNonNullType(field.type) ? field.type.ofType : field.type)) return; // a client-only group, like `home: Home!`
      at(coordinate, `${coordinate} is client-only: declare where it comes from with @from(query: "<graph field>", args: {...})`);
      return;
    }
    const rootType = spec.operation === 'query' ? graph.getQueryType() : graph.getMutationType();
    const target = rootType?.getFields()[spec.fieldName];
    if (!target) { at(coordinate, `@from(${spec.operation}: "${spec.fieldName}"): the graph has no ${spec.operation} field ${spec.fieldName}`, spec.line); return; }
    if (!isCompatibleType(field.type, target.type)) at(coordinate, `${coordinate} is ${String(field.type)} but ${spec.fieldName} returns ${String(target.type)}`, spec.line);
    for (const name of Object.keys(spec.args)) if (!target.args.some((a) => a.name === name)) at(coordinate, `@from: ${spec.fieldName} has no argument "${name}"`, spec.line);
    for (const arg of target.args) {
      if (isNonNullType(arg.type) && arg.defaultValue === undefined && spec.args[arg.name] === undefined) at(coordinate, `@from: ${spec.fieldName} needs argument "${arg.name}"`, spec.line);
    }
  }
}

function lineOfType(schema: GraphQLSchema, coordinate: string): number | undefined {
  return schema.getType(coordinate.split('.')[0] ?? '')?.astNode?.loc?.startToken.line;
}
