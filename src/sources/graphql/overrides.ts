import { Kind, visit } from 'graphql';
import type { SourceDefinition } from '../model.js';

/**
 * `@override(from: "other")`: the field moves to the subgraph that declares it, so the source it
 * is taken from no longer serves it (its copy is dropped from that source's schema). A `from`
 * naming no source of this gateway is allowed (federation's progressive override).
 */
export function applyOverrides(sources: SourceDefinition[]): void {
  for (const source of sources) {
    for (const [coordinate, { from }] of source.federation?.overrides ?? []) {
      const index = sources.findIndex((s) => s.name === from);
      const overridden = sources[index];
      if (!overridden || overridden === source) continue;
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      sources[index] = {
        ...overridden,
        bindings: overridden.bindings.filter((b) => b.typeName !== typeName || b.fieldName !== fieldName),
        document: visit(overridden.document, {
          ObjectTypeDefinition: (node) =>
            node.name.value === typeName
              ? { ...node, fields: node.fields?.filter((f) => f.name.value !== fieldName) }
              : undefined,
          ObjectTypeExtension: (node) =>
            node.name.value === typeName
              ? {
                  ...node,
                  kind: Kind.OBJECT_TYPE_EXTENSION,
                  fields: node.fields?.filter((f) => f.name.value !== fieldName),
                }
              : undefined,
        }),
      };
    }
  }
}
