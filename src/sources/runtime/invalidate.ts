import type { CacheStore } from '../../cache/cache-store.js';
import { entityTag, type EntityTagger } from '../../cache/entity-tags.js';
import type { FieldBinding } from '../model.js';
import { compileTemplate, type TemplateScope } from '../template.js';

/** Purges what a mutation that succeeded changed; resolves once the store has (bounded: a store never hangs a request). */
export type Invalidate = (scope: TemplateScope, value: unknown) => Promise<void>;

/**
 * The purge of a mutation: the entities its `@invalidates` directives name (their key from the
 * arguments) and every entity its answer holds (inferred: a mutation returning `Order o1`
 * changed it). Type-wide tags are never inferred: one order changing does not purge them all.
 */
export function createInvalidation(binding: FieldBinding, store: CacheStore, tagger: EntityTagger): Invalidate {
  const declared = (binding.invalidates ?? []).map((i) => ({ typeName: i.typeName, key: compileTemplate(i.template) }));
  const returnType = tagger.returnTypeOf(binding);
  return async (scope, value) => {
    const tags = new Set<string>();
    for (const { typeName, key } of declared)
      for (const k of [key(scope)].flat())
        if (k !== undefined && k !== null && k !== '') tags.add(entityTag(typeName, k));
    if (returnType) {
      const held = new Set<string>();
      tagger.collect(returnType, value, held);
      for (const tag of held) if (tag.includes(':')) tags.add(tag);
    }
    if (tags.size) await store.purge([...tags]);
  };
}
