/**
 * Batch coalescing across sibling calls of one request. A batch lookup (e.g. products by id)
 * often gets keys from several parents that arrive at different moments (order items after the
 * orders call, recommended products after the recommendations call). Instead of one upstream
 * call per arrival, a batch waits while other upstream calls of the same request are in flight —
 * at most `maxWaitMs` — and then goes out once with all keys, as a hand-written aggregator would.
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

/** A DataLoader batchScheduleFn: collect this tick's keys, then wait for in-flight siblings (bounded). */
export function coalescingSchedule(context: object): (dispatch: () => void) => void {
  return (dispatch) => {
    setImmediate(() => {
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
