import type { SourceCallContext } from '../call-context.js';
import { coalescingSchedule } from '../coalesce.js';
import { getLoader } from '../loaders.js';
import type { CompiledCall, Pushdown } from '../protocol.js';
import { UpstreamBadResponseError } from '../upstream-errors.js';
import type { CallRunner } from './run-call.js';

/** A representation and its key: equal keys are one entity (asked once per request). */
export interface KeyedRepresentation {
  key: string;
  representation: Record<string, unknown>;
}

/**
 * The request's entity loader of one type and selection: representations in, one entity payload
 * each out (null: not found; an Error: that entity, or the whole request, failed).
 */
export interface EntityLoader {
  loadMany(items: readonly KeyedRepresentation[]): Promise<unknown[]>;
}

export type EntityBatch = (context: SourceCallContext, pushdown: Pushdown) => EntityLoader;

/** Largest number of representations in one `_entities` request. */
const maxRepresentations = 500;

/**
 * Federation entity fetches of one type: every representation of the request asked with the same
 * selection in the same turn goes upstream in one `_entities` request (deduplicated by key,
 * coalesced with the calls that can still add representations, as `@batch` lookups are), answers
 * matched back by position and kept for the rest of the request. One promise per batch, not per
 * entity: a heavy query asks for thousands.
 */
export function createEntityBatch(
  source: string,
  typeName: string,
  compiled: CompiledCall,
  runner: CallRunner,
): EntityBatch {
  const operation = `_entities:${typeName}`;
  const send = async (
    context: SourceCallContext,
    pushdown: Pushdown,
    representations: readonly Record<string, unknown>[],
  ): Promise<unknown[]> => {
    const scope = { root: undefined, args: { representations }, identity: context.identity };
    const prepared = runner.prepare(operation, compiled, scope, context, pushdown);
    return (await runner.run(
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
    )) as unknown[];
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
    getLoader(context, loaderKeyOf(pushdown), () => new RequestEntityLoader(context, source, pushdown, send) as never);
}

class RequestEntityLoader implements EntityLoader {
  /** Entities answered (`value`) or in a batch in flight (`batch`), by key. */
  readonly #known = new Map<string, { value?: unknown; batch?: Promise<unknown> }>();
  #queue: { keys: string[]; representations: Record<string, unknown>[] } | undefined;
  #queued: Promise<Map<string, unknown>> | undefined;
  readonly #schedule: (dispatch: () => void) => void;

  constructor(
    readonly context: SourceCallContext,
    source: string,
    readonly pushdown: Pushdown,
    readonly send: (
      context: SourceCallContext,
      pushdown: Pushdown,
      representations: readonly Record<string, unknown>[],
    ) => Promise<unknown[]>,
  ) {
    this.#schedule = coalescingSchedule(context, source);
  }

  loadMany(items: readonly KeyedRepresentation[]): Promise<unknown[]> {
    let batches: Set<Promise<unknown>> | undefined;
    for (let i = 0; i < items.length; i++) {
      const { key, representation } = items[i]!;
      let known = this.#known.get(key);
      if (!known) {
        const batch = this.#enqueue();
        this.#queue!.keys.push(key);
        this.#queue!.representations.push(representation);
        known = { batch };
        this.#known.set(key, known);
      }
      if (known.batch) {
        batches ??= new Set();
        batches.add(known.batch);
      }
    }
    // one promise for the call: answers are read once the batches they are in have settled
    const read = () => items.map((item) => this.#known.get(item.key)!.value ?? null);
    return batches ? Promise.all(batches).then(read) : Promise.resolve(read());
  }

  #enqueue(): Promise<Map<string, unknown>> {
    if (this.#queued) return this.#queued;
    const queue = { keys: [] as string[], representations: [] as Record<string, unknown>[] };
    this.#queue = queue;
    this.#queued = new Promise((resolve) => {
      this.#schedule(() => {
        this.#queue = undefined;
        this.#queued = undefined;
        resolve(this.#dispatch(queue.keys, queue.representations));
      });
    });
    return this.#queued;
  }

  async #dispatch(keys: string[], representations: Record<string, unknown>[]): Promise<Map<string, unknown>> {
    const answers = new Map<string, unknown>();
    const chunks: Array<Promise<void>> = [];
    for (let from = 0; from < keys.length; from += maxRepresentations) {
      const chunkKeys = keys.slice(from, from + maxRepresentations);
      chunks.push(
        this.send(this.context, this.pushdown, representations.slice(from, from + maxRepresentations)).then(
          (entities) => {
            for (let i = 0; i < chunkKeys.length; i++) answers.set(chunkKeys[i]!, entities[i] ?? null);
          },
          (error: unknown) => {
            for (const key of chunkKeys) answers.set(key, error);
          },
        ),
      );
    }
    await Promise.all(chunks);
    for (const [key, value] of answers) this.#known.set(key, { value });
    return answers;
  }
}
