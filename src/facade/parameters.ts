import {
  isListType,
  isNonNullType,
  typeFromAST,
  valueFromASTUntyped,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { RestEndpoint, VersionShape } from './model.js';
import { externalName } from './shape.js';
import { inputSchema, nonNullSchema, type JsonSchema } from './json-schema.js';

export type ParameterLocation = 'path' | 'query' | 'body';

/**
 * One variable of an endpoint as a REST caller sees it. Built once at load time; the OpenAPI
 * document prints it and the request coercion (variables.ts) enforces it, so the two agree.
 */
export interface RestParameter {
  /** The GraphQL variable. */
  name: string;
  /** The name in the version's naming. */
  external: string;
  in: ParameterLocation;
  type: GraphQLInputType;
  /** Non-null without a default: must be given. */
  required: boolean;
  /** JSON Schema of the value as written at its location (see locationSchema). */
  schema: JsonSchema;
}

/** Where an endpoint's variables come from: path parameters, then the query string (GET, DELETE) or the JSON body. */
export function describeParameters(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  method: RestEndpoint['method'],
  pathParams: readonly string[],
  shape: VersionShape,
): RestParameter[] {
  const fromBody = method !== 'GET' && method !== 'DELETE';
  return (operation.variableDefinitions ?? []).map((definition) => {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType;
    const location: ParameterLocation = pathParams.includes(name) ? 'path' : fromBody ? 'body' : 'query';
    const required = isNonNullType(type) && !definition.defaultValue;
    const defaultValue = definition.defaultValue ? valueFromASTUntyped(definition.defaultValue) : undefined;
    return {
      name,
      external: externalName(name, shape.naming),
      in: location,
      type,
      required,
      schema: locationSchema(type, location, required, defaultValue, shape),
    };
  });
}

/**
 * A path or query value is text: it cannot be null (leaving a query parameter out is how a
 * caller says "no value"), lists are comma-separated or repeated, and a required list needs an
 * item (`ids=` reads as no value). A body value is JSON, nullable as its GraphQL type.
 */
function locationSchema(
  type: GraphQLInputType,
  location: ParameterLocation,
  required: boolean,
  defaultValue: unknown,
  shape: VersionShape,
): JsonSchema {
  const withDefault = (s: JsonSchema) =>
    defaultValue === undefined || defaultValue === null ? s : { ...s, default: defaultValue };
  if (location === 'body') return withDefault(inputSchema(type, shape));
  const text = nonNullSchema(inputSchema(type, shape));
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner) && typeof text['items'] === 'object') {
    return withDefault({
      ...text,
      items: nonNullSchema(text['items'] as JsonSchema),
      ...(required ? { minItems: 1 } : {}),
    });
  }
  return withDefault(text);
}
