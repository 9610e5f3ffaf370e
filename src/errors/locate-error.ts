import {
  getOperationAST,
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { isIncluded } from '../document/conditions.js';
import { coercedVariables, fragmentsOf } from '../document/operation.js';

/**
 * Errors of delegated fields come back from the source's own execution with the right `path` but
 * without `locations` (they pointed into the document sent to the source). The spec asks for the
 * locations of the field in the client's document: found here by walking the path's response keys,
 * through fragments, as graphql-js reports them (every node merged into the field). Runs only on
 * errors, so the happy path pays nothing.
 */
export function withLocations(
  errors: readonly GraphQLError[],
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): readonly GraphQLError[] {
  if (!errors.some(lacksLocations)) return errors;
  const operation = getOperationAST(document, operationName);
  if (!operation) return errors;
  // @skip/@include read coerced values (defaults applied); execution got this far, so they coerce
  const variables = coercedVariables(schema, operation, rawVariables);
  if (!variables) return errors;
  const fragments = fragmentsOf(document);
  return errors.map((error) => {
    if (!lacksLocations(error)) return error;
    const nodes = fieldNodesAt(error.path!, operation.selectionSet, fragments, variables);
    if (!nodes.length) return error;
    return new GraphQLError(error.message, {
      nodes,
      path: error.path,
      originalError: error.originalError ?? undefined,
      extensions: error.extensions,
    });
  });
}

function lacksLocations(error: GraphQLError): boolean {
  return !error.locations?.length && !!error.path?.length;
}

function fieldNodesAt(
  path: ReadonlyArray<string | number>,
  root: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): FieldNode[] {
  let sets: SelectionSetNode[] = [root];
  let nodes: FieldNode[] = [];
  for (const key of path) {
    if (typeof key === 'number') continue; // a list index: same selection
    nodes = [];
    for (const set of sets) collect(set, key, fragments, variables, nodes, new Set());
    sets = nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => s !== undefined);
  }
  return nodes;
}

function collect(
  set: SelectionSetNode,
  responseKey: string,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  into: FieldNode[],
  visited: Set<string>,
): void {
  for (const selection of set.selections) {
    if (!isIncluded(selection, variables)) continue;
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value === responseKey) into.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, responseKey, fragments, variables, into, visited);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || visited.has(name)) continue;
      visited.add(name);
      collect(fragment.selectionSet, responseKey, fragments, variables, into, visited);
    }
  }
}
