import { Kind, visit, type DocumentNode, type FieldNode } from 'graphql';

/** A selection that keeps a selection set valid when all its fields were removed; dropped from the result. */
export const placeholderKey = '__facet_removed';

/**
 * A copy of the document without the given field nodes. Fields are removed where they are
 * written (also inside fragments), so no resolver and no backend call runs for them. A
 * selection set left empty gets a `__typename` placeholder.
 */
export function removeFields(document: DocumentNode, remove: ReadonlySet<FieldNode>): DocumentNode {
  return visit(document, {
    Field: (node) => (remove.has(node) ? null : undefined),
    SelectionSet: {
      leave(node) {
        if (node.selections.length > 0) return undefined;
        const placeholder: FieldNode = {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: placeholderKey },
          name: { kind: Kind.NAME, value: '__typename' },
        };
        return { ...node, selections: [placeholder] };
      },
    },
  });
}
