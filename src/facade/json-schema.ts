import {
  Kind,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
  typeFromAST,
} from 'graphql';
import type { VersionShape } from './model.js';
import { externalName, isMoneyKey } from './shape.js';

export type JsonSchema = Record<string, unknown>;

function scalarSchema(name: string): JsonSchema {
  switch (name) {
    case 'Int':
      return { type: 'integer' };
    case 'Float':
      return { type: 'number' };
    case 'Boolean':
      return { type: 'boolean' };
    case 'ID':
    case 'String':
      return { type: 'string' };
    default:
      return {};
  }
}

/** GraphQL's Int is 32-bit: graphql-js refuses anything outside (the documents say so). */
const int32: JsonSchema = { type: 'integer', format: 'int32', minimum: -2_147_483_648, maximum: 2_147_483_647 };

/** Adds `null` to a schema's type (OpenAPI 3.1 = JSON Schema 2020-12). */
function nullable(schema: JsonSchema): JsonSchema {
  if (typeof schema['type'] === 'string') return { ...schema, type: [schema['type'], 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * JSON Schema of what a selection returns, in the version's shape: the same renames and money
 * objects that shapeOutput applies to the data, so the document describes the real answers.
 */
export function outputSchema(
  schema: GraphQLSchema,
  type: GraphQLOutputType,
  selectionSet: SelectionSetNode | undefined,
  shape: VersionShape,
  inheritedCurrency = false,
): JsonSchema {
  if (isNonNullType(type))
    return nonNullSchema(outputSchema(schema, type.ofType, selectionSet, shape, inheritedCurrency));
  let inner: JsonSchema;
  if (isListType(type))
    inner = { type: 'array', items: outputSchema(schema, type.ofType, selectionSet, shape, inheritedCurrency) };
  else if (isScalarType(type)) inner = scalarSchema(type.name);
  else if (isEnumType(type)) inner = { type: 'string', enum: type.getValues().map((v) => v.name) };
  else inner = objectSchema(schema, type, selectionSet, shape, inheritedCurrency);
  return nullable(inner);
}

/** The schema without `null`: a non-null type, or a value that cannot be null where it is written. */
export function nonNullSchema(schema: JsonSchema): JsonSchema {
  if (Array.isArray(schema['type'])) {
    const types = (schema['type'] as string[]).filter((t) => t !== 'null');
    return { ...schema, type: types.length === 1 ? types[0] : types };
  }
  if (Array.isArray(schema['anyOf'])) return (schema['anyOf'] as JsonSchema[])[0]!;
  return schema;
}

function objectSchema(
  schema: GraphQLSchema,
  type: GraphQLOutputType,
  selectionSet: SelectionSetNode | undefined,
  shape: VersionShape,
  inheritedCurrency: boolean,
): JsonSchema {
  const named = getNamedType(type);
  const properties: Record<string, JsonSchema> = {};
  const hasCurrency = selectsField(selectionSet, 'currency');
  const collect = (set: SelectionSetNode | undefined, parent: typeof named) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (selection.name.value === '__typename') {
          properties[key] = { type: 'string' };
          continue;
        }
        const field =
          isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (field)
          properties[key] = outputSchema(
            schema,
            field.type,
            selection.selectionSet,
            shape,
            hasCurrency || inheritedCurrency,
          );
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(
          selection.selectionSet,
          selection.typeCondition ? ((typeFromAST(schema, selection.typeCondition) ?? parent) as typeof named) : parent,
        );
      }
    }
  };
  collect(selectionSet, named);
  const shaped: Record<string, JsonSchema> = {};
  const moneyKeys =
    shape.money === 'object' && (hasCurrency || inheritedCurrency) ? Object.keys(properties).filter(isMoneyKey) : [];
  for (const [key, value] of Object.entries(properties)) {
    if (moneyKeys.length && key === 'currency') continue;
    if (moneyKeys.includes(key)) {
      const money: JsonSchema = {
        type: 'object',
        properties: {
          amount: { type: 'string', pattern: '^-?\\d+\\.\\d{2}$' },
          currency: properties['currency'] ?? { type: ['string', 'null'] },
        },
        required: ['amount', 'currency'],
        additionalProperties: false,
      };
      shaped[externalName(key.slice(0, -5), shape.naming)] = Array.isArray(value['type']) ? nullable(money) : money;
      continue;
    }
    shaped[externalName(key, shape.naming)] = value;
  }
  return { type: 'object', properties: shaped, required: Object.keys(shaped), additionalProperties: false };
}

function selectsField(selectionSet: SelectionSetNode | undefined, name: string): boolean {
  return (selectionSet?.selections ?? []).some(
    (s) =>
      (s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === name) ||
      (s.kind === Kind.INLINE_FRAGMENT && selectsField(s.selectionSet, name)),
  );
}

/** JSON Schema of a variable's input type, in the version's naming. */
export function inputSchema(type: GraphQLInputType, shape: VersionShape): JsonSchema {
  if (isNonNullType(type)) return nonNullSchema(inputSchema(type.ofType, shape));
  if (isListType(type)) return nullable({ type: 'array', items: inputSchema(type.ofType, shape) });
  if (isScalarType(type)) return nullable(type.name === 'Int' ? int32 : scalarSchema(type.name));
  if (isEnumType(type)) return nullable({ type: 'string', enum: type.getValues().map((v) => v.name) });
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return nullable({
      type: 'object',
      properties: Object.fromEntries(
        fields.map((f) => [externalName(f.name, shape.naming), inputSchema(f.type, shape)]),
      ),
      required: fields
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => externalName(f.name, shape.naming)),
      additionalProperties: false,
    });
  }
  return {};
}
