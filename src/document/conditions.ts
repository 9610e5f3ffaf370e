import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type SelectionSetNode,
} from 'graphql';

type Directed = Pick<FieldNode, 'directives'>;

/** `@skip`/`@include` evaluated as graphql-js does, with the request's coerced variables. */
export function isIncluded(node: Directed, variables: Record<string, unknown>): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node as FieldNode, variables)?.['if'] === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, variables)?.['if'] !== false;
}

export function isCondition(name: string): boolean {
  return name === 'skip' || name === 'include';
}

/** The variables `@skip`/`@include` read in a document: the part of a request that changes its shape. */
export function conditionVariables(selectionSets: Iterable<SelectionSetNode>): string[] {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      for (const directive of selection.directives ?? [])
        if (isCondition(directive.name.value))
          for (const arg of directive.arguments ?? [])
            if (arg.value.kind === Kind.VARIABLE) names.add(arg.value.name.value);
      if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) visit(selection.selectionSet);
    }
  };
  for (const set of selectionSets) visit(set);
  return [...names].sort();
}

/** The values of a document's condition variables (see conditionVariables), as one cache key. */
export function conditionKey(names: readonly string[], variables: Record<string, unknown>): string {
  return names.map((name) => JSON.stringify(variables[name] ?? null)).join(',');
}
