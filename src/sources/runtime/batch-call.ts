import DataLoader from 'dataloader';
import type { SourceCallContext } from '../call-context.js';
import { coalescingSchedule } from '../coalesce.js';
import { getLoader, stableStringify } from '../loaders.js';
import type { BatchSpec, CacheHint, FieldBinding } from '../model.js';
import type { CallCache } from './call-cache.js';
import type { CompiledCall } from '../protocol.js';
import { UpstreamBadResponseError } from '../upstream-errors.js';
import type { CallRunner } from './run-call.js';

/** A call's cache and its `@cacheControl` hint. */
export interface CachedCalls {
  cache: CallCache;
  hint: CacheHint;
  binding: FieldBinding;
}

/** The request's loader of a batch field for its other arguments `rest`; keys in, one payload (or null) per key out. */
export type BatchCall = (
  context: SourceCallContext,
  rest: Record<string, unknown>,
) => DataLoader<unknown, unknown, string>;

/**
 * A `@batch` call: the keys asked for across one request go upstream once, deduplicated (at most
 * `maxSize` per call, coalesced with sibling calls in flight), and are matched back by key.
 * Batch calls never read {root.…}: one call serves many parents.
 */
export function createBatchCall(
  source: string,
  operation: string,
  batch: BatchSpec,
  compiled: CompiledCall,
  runner: CallRunner,
  cached?: CachedCalls,
): BatchCall {
  const { arg, key, maxSize } = batch;
  const fetchKeys = async (
    context: SourceCallContext,
    rest: Record<string, unknown>,
    batchKeys: readonly unknown[],
  ): Promise<unknown[]> => {
    const scope = { root: undefined, args: { ...rest, [arg]: batchKeys }, identity: context.identity };
    const prepared = runner.prepare(operation, compiled, scope, context);
    const payload = await runner.run(
      operation,
      async () => {
        const items = compiled.extract(await prepared.send());
        if (items !== null && !Array.isArray(items))
          throw new UpstreamBadResponseError(`${operation}: expected a list`);
        return items;
      },
      batchKeys.length,
      context,
      prepared,
    );
    const byKey = new Map<string, unknown>();
    for (const item of (payload as unknown[] | null) ?? []) {
      const k = (item as Record<string, unknown> | null)?.[key];
      if (k !== undefined && k !== null) byKey.set(String(k), item);
    }
    return batchKeys.map((k) => byKey.get(String(k)) ?? null);
  };
  // @cacheControl: each key's item on its own, so a batch asks only for the keys not cached
  const load = !cached
    ? fetchKeys
    : async (context: SourceCallContext, rest: Record<string, unknown>, batchKeys: readonly unknown[]) => {
        const { cache, hint, binding } = cached;
        const prefix = `${operation}\u0000${stableStringify(rest)}\u0000`;
        const cacheKeys = batchKeys.map((k) => cache.keyOf(hint, prefix + String(k), context));
        const items = await cache.get(cacheKeys, context);
        const missing = batchKeys.filter((_, i) => items[i] === undefined);
        if (missing.length) {
          const epoch = cache.store.epoch;
          const fetched = await fetchKeys(context, rest, missing);
          const writes = [];
          let next = 0;
          for (let i = 0; i < items.length; i++) {
            if (items[i] !== undefined) continue;
            const item = fetched[next++] ?? null;
            items[i] = item;
            writes.push({ key: cacheKeys[i]!, raw: item, value: item });
          }
          cache.set(writes, hint, binding, context, epoch);
        }
        return items;
      };
  // an entity lookup passes the same `rest` for every key it loads: its loader key is made once
  const loaderKeys = new WeakMap<object, string>();
  const loaderKeyOf = (rest: Record<string, unknown>) => {
    let key = loaderKeys.get(rest);
    if (key === undefined) {
      key = `${source}:${operation}:${stableStringify(rest)}`;
      loaderKeys.set(rest, key);
    }
    return key;
  };
  return (context, rest) =>
    getLoader(
      context,
      loaderKeyOf(rest),
      () =>
        new DataLoader<unknown, unknown, string>((batchKeys) => load(context, rest, batchKeys), {
          maxBatchSize: maxSize,
          cacheKeyFn: (k) => String(k),
          batchScheduleFn: coalescingSchedule(context, source),
        }),
    );
}
