import {
  getNamedType,
  getOperationAST,
  isObjectType,
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  parse,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { conditionKey, conditionVariables, isCondition, isIncluded } from '../document/conditions.js';
import { coercedVariables, fragmentsOf } from '../document/operation.js';

/** Prepared documents kept per document: one per combination of the condition variables. */
const MAX_VARIANTS = 64;

interface Variants {
  variables: string[];
  byValues: Map<string, DocumentNode>;
}

/**
 * Delegation (graphql-tools) gets two shapes of selection wrong, so the documents it runs are
 * rewritten first into equivalent ones, as graphql-js would read them anyway:
 * - `@skip`/`@include`: when one field is selected twice and only one selection carries the
 *   condition, the merged delegated selection drops the field (and a non-null one fails the
 *   request). The conditions are evaluated with the request's variables.
 * - fragments that always apply (no type condition, or the parent's own object type), such as
 *   `{ ... { __typename } }`: when one holds nothing but `__typename`, the delegated request
 *   comes out empty and the whole answer fails ("must contain at least one operation"). Their
 *   selections are put in their place.
 * Documents with neither pass untouched; prepared ones are cached per document and values.
 */
export function useDelegationDocument(): Plugin {
  const variantsOf = new WeakMap<DocumentNode, Variants | null>();
  const variants = (document: DocumentNode): Variants | null => {
    let known = variantsOf.get(document);
    if (known === undefined) {
      const sets = document.definitions.flatMap((d) => ('selectionSet' in d ? [d.selectionSet] : []));
      known = hasConditionsOrFragments(sets) ? { variables: conditionVariables(sets), byValues: new Map() } : null;
      variantsOf.set(document, known);
    }
    return known;
  };

  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        const known = variants(args.document);
        if (!known) return executeFn(args);
        let variables: Record<string, unknown> | undefined = {};
        if (known.variables.length) {
          const operation = getOperationAST(args.document, args.operationName);
          variables = operation ? coercedVariables(args.schema, operation, args.variableValues) : undefined;
          if (!variables) return executeFn(args); // execute reports it
        }
        const key = conditionKey(known.variables, variables);
        let document = known.byValues.get(key);
        if (!document) {
          document = prepareForDelegation(args.document, variables, args.schema);
          if (known.byValues.size < MAX_VARIANTS) known.byValues.set(key, document);
        }
        return executeFn({ ...args, document });
      });
    },
  };
}

/** Whether a selection set (fragment spreads not followed) has a condition or a fragment anywhere. */
function hasConditionsOrFragments(selectionSets: Iterable<SelectionSetNode>): boolean {
  for (const set of selectionSets)
    for (const selection of set.selections) {
      if (selection.kind !== Kind.FIELD) return true;
      if (selection.directives?.some((d) => isCondition(d.name.value))) return true;
      if (selection.selectionSet && hasConditionsOrFragments([selection.selectionSet])) return true;
    }
  return false;
}

const emptyPlaceholder = (
  parse('{ facetExcluded: __typename @skip(if: true) }', { noLocation: true }).definitions[0] as OperationDefinitionNode
).selectionSet.selections[0] as FieldNode;

/**
 * The document with excluded selections removed, the conditions of included ones dropped, and
 * fragments that always apply replaced by their selections (see useDelegationDocument).
 */
export function prepareForDelegation(
  document: DocumentNode,
  variables: Record<string, unknown>,
  schema: GraphQLSchema,
): DocumentNode {
  const fragments = fragmentsOf(document);
  const typeNamed = (name: string | undefined) => (name === undefined ? undefined : schema.getType(name));

  const rewriteSelections = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): SelectionNode[] => {
    const kept: SelectionNode[] = [];
    for (const selection of set.selections) {
      if (!isIncluded(selection, variables)) continue;
      const directives = selection.directives?.filter((d) => !isCondition(d.name.value));
      const plain = !directives?.length;
      if (selection.kind === Kind.FIELD) {
        const fields = parent && 'getFields' in parent ? parent.getFields() : undefined;
        const fieldType = fields?.[selection.name.value]?.type;
        kept.push({
          ...selection,
          directives,
          ...(selection.selectionSet
            ? { selectionSet: rewriteSet(selection.selectionSet, fieldType && getNamedType(fieldType)) }
            : {}),
        });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? typeNamed(selection.typeCondition.name.value) : parent;
        const inner = rewriteSelections(selection.selectionSet, type);
        if (!inner.length) continue;
        if (plain && (!selection.typeCondition || alwaysApplies(type, parent))) kept.push(...inner);
        else kept.push({ ...selection, directives, selectionSet: { ...selection.selectionSet, selections: inner } });
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = typeNamed(fragment?.typeCondition.name.value);
        if (fragment && plain && alwaysApplies(type, parent)) {
          kept.push(...rewriteSelections(fragment.selectionSet, type));
        } else kept.push({ ...selection, directives });
      }
    }
    return kept;
  };
  // every selection excluded: delegation cannot send an empty set, so one excluded placeholder
  // stays (its own alias: nothing merges with it) and the object is answered with no keys
  const rewriteSet = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): SelectionSetNode => {
    const selections = rewriteSelections(set, parent);
    return { ...set, selections: selections.length ? selections : [emptyPlaceholder] };
  };
  const typeOf = (definition: OperationDefinitionNode | FragmentDefinitionNode) =>
    definition.kind === Kind.FRAGMENT_DEFINITION
      ? typeNamed(definition.typeCondition.name.value)
      : (schema.getRootType(definition.operation) ?? undefined);
  return {
    ...document,
    definitions: document.definitions.map(
      (definition): DefinitionNode =>
        definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION
          ? { ...definition, selectionSet: rewriteSet(definition.selectionSet, typeOf(definition)) }
          : definition,
    ),
  };
}

/** A fragment on the parent's own object type applies to every value of it. */
function alwaysApplies(type: GraphQLNamedType | undefined, parent: GraphQLNamedType | undefined): boolean {
  return type !== undefined && type === parent && isObjectType(parent);
}
