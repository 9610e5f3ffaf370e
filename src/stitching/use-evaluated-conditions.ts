import {
  getOperationAST,
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { conditionKey, conditionVariables, hasConditions, isCondition, isIncluded } from '../document/conditions.js';
import { coercedVariables } from '../document/operation.js';

/** Evaluated documents kept per document: one per combination of the condition variables. */
const MAX_VARIANTS = 64;

interface Variants {
  variables: string[];
  byValues: Map<string, DocumentNode>;
}

/**
 * Delegation mishandles `@skip`/`@include` when one field is selected twice and only one of the
 * selections carries the condition: the merged delegated selection drops the field (and a
 * non-null one fails the request). The conditions are evaluated here first, with the request's
 * variables — what graphql-js would do anyway — so delegation sees plain selections. Documents
 * without conditions pass untouched; evaluated documents are cached per document and values.
 */
export function useEvaluatedConditions(): Plugin {
  const variantsOf = new WeakMap<DocumentNode, Variants | null>();
  const variants = (document: DocumentNode): Variants | null => {
    let known = variantsOf.get(document);
    if (known === undefined) {
      const sets = document.definitions.flatMap((d) => ('selectionSet' in d ? [d.selectionSet] : []));
      known = hasConditions(sets) ? { variables: conditionVariables(sets), byValues: new Map() } : null;
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
          document = evaluateConditions(args.document, variables);
          if (known.byValues.size < MAX_VARIANTS) known.byValues.set(key, document);
        }
        return executeFn({ ...args, document });
      });
    },
  };
}

const emptyPlaceholder = (
  parse('{ facetExcluded: __typename @skip(if: true) }', { noLocation: true }).definitions[0] as OperationDefinitionNode
).selectionSet.selections[0] as FieldNode;

/** The document with excluded selections removed and the conditions of included ones dropped. */
export function evaluateConditions(document: DocumentNode, variables: Record<string, unknown>): DocumentNode {
  const rewriteSet = (set: SelectionSetNode): SelectionSetNode => {
    const kept: SelectionSetNode['selections'][number][] = [];
    for (const selection of set.selections) {
      if (!isIncluded(selection, variables)) continue;
      const directives = selection.directives?.filter((d) => !isCondition(d.name.value));
      if (selection.kind === Kind.FRAGMENT_SPREAD) kept.push({ ...selection, directives });
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const selectionSet = rewriteSet(selection.selectionSet);
        if (selectionSet.selections.length) kept.push({ ...selection, directives, selectionSet });
      } else
        kept.push({
          ...selection,
          directives,
          ...(selection.selectionSet ? { selectionSet: rewriteSet(selection.selectionSet) } : {}),
        });
    }
    // every selection excluded: delegation cannot send an empty set, so one excluded placeholder
    // stays (its own alias: nothing merges with it) and the object is answered with no keys
    return { ...set, selections: kept.length ? kept : [emptyPlaceholder] };
  };
  return {
    ...document,
    definitions: document.definitions.map(
      (definition): DefinitionNode =>
        'selectionSet' in definition && definition.selectionSet
          ? ({ ...definition, selectionSet: rewriteSet(definition.selectionSet) } as DefinitionNode)
          : definition,
    ),
  };
}
