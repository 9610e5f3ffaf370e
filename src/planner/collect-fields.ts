import {
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type SelectionSetNode,
} from 'graphql';
import { isIncluded } from '../document/conditions.js';

/** Thrown when a selection uses a shape the planner leaves to delegation (abstract fragments). */
export class UnsupportedShape extends Error {
  /** A short label (the metric's `reason`), the message saying where. */
  constructor(
    readonly reason: string,
    detail: string = reason,
  ) {
    super(detail);
  }
}

/**
 * graphql-js's field collection for one concrete object type: fields by response key in document
 * order, `@skip`/`@include` applied with the request's variables, fragments spread once each.
 */
export function collectFields(
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (!isIncluded(selection, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = fields.get(key);
        if (list) list.push(selection);
        else fields.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        if (condition !== undefined && condition !== type.name)
          throw new UnsupportedShape('abstract-fragment', type.name);
        visit(selection.selectionSet);
      } else {
        const name = selection.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = fragments.get(name);
        if (!fragment) continue;
        if (fragment.typeCondition.name.value !== type.name) throw new UnsupportedShape('abstract-fragment', type.name);
        visit(fragment.selectionSet);
      }
    }
  };
  for (const set of selectionSets) visit(set);
  return fields;
}
