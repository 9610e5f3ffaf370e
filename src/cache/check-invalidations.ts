import type { ProblemList } from '../config/config-error.js';
import type { SourceDefinition } from '../sources/model.js';

/** Each `@invalidates(type, key)` names an entity of the graph (`@key` in some source) by its key field. */
export function checkInvalidations(sources: readonly SourceDefinition[], problems: ProblemList): void {
  const keys = new Map<string, Set<string>>();
  for (const source of sources)
    for (const entity of source.entities) {
      const fields = keys.get(entity.typeName) ?? new Set<string>();
      fields.add(entity.field);
      keys.set(entity.typeName, fields);
    }
  for (const source of sources)
    for (const binding of source.bindings)
      for (const invalidation of binding.invalidates ?? []) {
        const fields = keys.get(invalidation.typeName);
        const problem = !fields
          ? `@invalidates names ${invalidation.typeName}, which no source declares as an entity (@key)`
          : !fields.has(invalidation.field)
            ? `@invalidates keys ${invalidation.typeName} by ${invalidation.field}; its key is ${[...fields].join(' or ')}`
            : undefined;
        if (problem)
          problems.add({
            file: source.file,
            line: invalidation.line,
            path: `${binding.typeName}.${binding.fieldName}`,
            message: problem,
          });
      }
}
