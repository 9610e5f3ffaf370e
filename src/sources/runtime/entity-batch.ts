import DataLoader from 'dataloader';
import type { SourceCallContext } from '../call-context.js';
import { coalescingSchedule } from '../coalesce.js';
import { getLoader } from '../loaders.js';
import type { CompiledCall, Pushdown } from '../protocol.js';
import { UpstreamBadResponseError } from '../upstream-errors.js';
import type { CallRunner } from './run-call.js';

/** Representations in, one entity payload (null: not found) per representation out. */
export type EntityBatch = (
  context: SourceCallContext,
  pushdown: Pushdown,
) => DataLoader<Record<string, unknown>, unknown, string>;

/** Largest number of representations in one `_entities` request. */
const maxRepresentations = 500;

/**
 * Federation entity fetches of one type: every representation of the request asked with the same
 * selection goes upstream in one `_entities` request (deduplicated, coalesced with the calls that
 * can still add representations, as `@batch` lookups are), answers matched back by position.
 */
export function createEntityBatch(
  source: string,
  typeName: string,
  compiled: CompiledCall,
  runner: CallRunner,
): EntityBatch {
  const operation = `_entities:${typeName}`;
  const load = async (
    context: SourceCallContext,
    pushdown: Pushdown,
    representations: readonly Record<string, unknown>[],
  ): Promise<unknown[]> => {
    const scope = { root: undefined, args: { representations }, identity: context.identity };
    const prepared = runner.prepare(operation, compiled, scope, context, pushdown);
    const items = await runner.run(
      operation,
      async () => {
        const list = compiled.extract(await prepared.send()) as unknown[];
        if (list.length !== representations.length)
          throw new UpstreamBadResponseError(
            `${operation}: ${list.length} entities for ${representations.length} representations`,
          );
        return list;
      },
      representations.length,
      context,
      prepared,
    );
    return items as unknown[];
  };
  // the loader's key per pushdown, made once (a selection text is long)
  const loaderKeys = new WeakMap<Pushdown, string>();
  const loaderKeyOf = (pushdown: Pushdown) => {
    let key = loaderKeys.get(pushdown);
    if (key === undefined) {
      key = `${source}:${operation}:${pushdown.selection}`;
      loaderKeys.set(pushdown, key);
    }
    return key;
  };
  return (context, pushdown) =>
    getLoader(
      context,
      loaderKeyOf(pushdown),
      () =>
        new DataLoader<Record<string, unknown>, unknown, string>((reps) => load(context, pushdown, reps), {
          maxBatchSize: maxRepresentations,
          // a join builds its representations field by field in one fixed order: JSON is a stable key
          cacheKeyFn: (representation) => JSON.stringify(representation),
          batchScheduleFn: coalescingSchedule(context, source),
        }),
    );
}
