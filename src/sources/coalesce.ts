/**
 * Batch coalescing across sibling calls of one request. A batch lookup (e.g. products by id)
 * often gets keys from several parents that arrive at different moments (order items after the
 * orders call, recommended products after the recommendations call). Instead of one upstream
 * call per arrival, the batch goes out once with all keys, as a hand-written aggregator would:
 * - under the query planner, a batch of a source waits exactly while calls whose answers can hold
 *   keys for it are in flight (the plan knows which; see planBatches), with no timer;
 * - under delegation, which does not know, a batch waits while any other upstream call of the
 *   request is in flight, at most `maxWaitMs`.
 */
interface RequestCalls {
  inFlight: number;
  waiting: Array<() => void>;
}

const callsByContext = new WeakMap<object, RequestCalls>();

/** Upper bound of the wait: a slow sibling call must not hold up a batch for long. */
export const maxCoalesceWaitMs = 20;

function stateOf(context: object): RequestCalls {
  let state = callsByContext.get(context);
  if (!state) {
    state = { inFlight: 0, waiting: [] };
    callsByContext.set(context, state);
  }
  return state;
}

/** Brackets one upstream call of the request. */
export async function trackCall<T>(context: object, call: () => Promise<T>): Promise<T> {
  const state = stateOf(context);
  state.inFlight++;
  try {
    return await call();
  } finally {
    state.inFlight--;
    // Released on the next turn, not now: the answer that just arrived is still being processed,
    // and the lookups it leads to (the references it holds) should join the waiting batch.
    if (state.inFlight === 0 && state.waiting.length) setImmediate(releaseIfIdle, state);
  }
}

function releaseIfIdle(state: RequestCalls): void {
  if (state.inFlight > 0) return; // a call started meanwhile: keep waiting (still bounded by maxCoalesceWaitMs)
  const ready = state.waiting.splice(0);
  for (const dispatch of ready) dispatch();
}

/**
 * A request the query planner executes: it knows which of its in-flight calls can still add keys
 * to a source's batches (their sub-selections hold lookups of that source), and holds those
 * batches exactly while such calls are in flight: no timer, and no wait for unrelated calls.
 */
interface PlannedBatches {
  /** In-flight calls per source whose batches they may feed. */
  held: Map<string, number>;
  waiting: Map<string, Array<() => void>>;
}

const plannedByContext = new WeakMap<object, PlannedBatches>();

/** Batches of this request follow the planner's holds instead of the bounded in-flight wait. */
export function planBatches(context: object): void {
  plannedByContext.set(context, { held: new Map(), waiting: new Map() });
}

/** A call that may lead to lookups of `sources` starts: their batches wait for it. */
export function holdBatches(context: object, sources: readonly string[]): void {
  const planned = plannedByContext.get(context);
  if (!planned) return;
  for (const source of sources) planned.held.set(source, (planned.held.get(source) ?? 0) + 1);
}

/**
 * That call settled. The batches go out on the next turn: the lookups its answer leads to are
 * enqueued by then (they are started from the same answer, in microtasks).
 */
export function releaseBatches(context: object, sources: readonly string[]): void {
  const planned = plannedByContext.get(context);
  if (!planned) return;
  for (const source of sources) {
    const left = (planned.held.get(source) ?? 1) - 1;
    planned.held.set(source, left);
    if (left === 0 && planned.waiting.get(source)?.length) setImmediate(releasePlanned, planned, source);
  }
}

function releasePlanned(planned: PlannedBatches, source: string): void {
  if ((planned.held.get(source) ?? 0) > 0) return; // another feeding call started meanwhile
  const ready = planned.waiting.get(source) ?? [];
  planned.waiting.delete(source);
  for (const dispatch of ready) dispatch();
}

/**
 * A DataLoader batchScheduleFn for a batch of `source`: collect this tick's keys, then, under the
 * planner, wait while calls that can feed it are in flight; under delegation, wait for in-flight
 * siblings (bounded by maxCoalesceWaitMs).
 */
export function coalescingSchedule(context: object, source?: string): (dispatch: () => void) => void {
  return (dispatch) => {
    setImmediate(() => {
      const planned = source === undefined ? undefined : plannedByContext.get(context);
      if (planned) {
        if (!planned.held.get(source!)) return dispatch();
        const list = planned.waiting.get(source!);
        if (list) list.push(dispatch);
        else planned.waiting.set(source!, [dispatch]);
        return;
      }
      const state = stateOf(context);
      if (state.inFlight === 0) return dispatch();
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        dispatch();
      };
      const timer = setTimeout(once, maxCoalesceWaitMs);
      state.waiting.push(once);
    });
  };
}
