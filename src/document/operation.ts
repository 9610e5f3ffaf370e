import {
  getVariableValues,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** A document's fragment definitions by name. */
export function fragmentsOf(document: DocumentNode): ReadonlyMap<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
}

/**
 * The request's variables coerced as graphql-js's `execute` does (defaults applied), or undefined
 * when they do not coerce: `execute` then reports that itself.
 */
export function coercedVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  raw: Record<string, unknown> | null | undefined,
): Record<string, unknown> | undefined {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], raw ?? {});
  return coerced.errors ? undefined : coerced.coerced;
}
