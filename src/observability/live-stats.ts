import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { upstreamCallChannelName, type UpstreamCallEvent } from '../sources/upstream-events.js';
import { graphqlErrorsChannelName } from './use-error-code-stats.js';

/** Seconds of history kept (the operator page's sparklines). */
const historySeconds = 300;
/** Latencies kept per second and name, for p50/p99: enough for a percentile, bounded in memory. */
const latencySamplesPerSecond = 64;

interface Second {
  at: number;
  count: number;
  errors: number;
  /** Refusals by a quota or @rateLimit (429), for clients. */
  refused: number;
  batchKeys: number;
  batchCalls: number;
  latenciesMs: number[];
  byCode: Map<string, number>;
}

/** What the operator page shows of one source or client: rates over the last 10 s, percentiles over the last 60 s, 5 min of history. */
export interface LiveSummary {
  perSecond: number;
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  avgBatchSize: number | null;
  refused: number;
  errorsByCode: Record<string, number>;
  /** Per 10 s over the last 5 minutes, oldest first: how many, how many failed. */
  history: { count: number[]; errors: number[] };
}

/** One-second buckets of one name (a source, a client), the last five minutes. */
class Series {
  readonly #seconds: Second[] = [];

  bucket(now: number): Second {
    const at = Math.floor(now / 1000);
    let last = this.#seconds.at(-1);
    if (last?.at !== at) {
      last = { at, count: 0, errors: 0, refused: 0, batchKeys: 0, batchCalls: 0, latenciesMs: [], byCode: new Map() };
      this.#seconds.push(last);
      while (this.#seconds.length && this.#seconds[0]!.at <= at - historySeconds) this.#seconds.shift();
    }
    return last;
  }

  summary(now: number): LiveSummary {
    const at = Math.floor(now / 1000);
    const within = (s: number) => this.#seconds.filter((b) => b.at > at - s && b.at <= at);
    const recent = within(10);
    const minute = within(60);
    const count = recent.reduce((n, b) => n + b.count, 0);
    const errors = recent.reduce((n, b) => n + b.errors, 0);
    const latencies = minute.flatMap((b) => b.latenciesMs).sort((x, y) => x - y);
    const pick = (q: number) =>
      latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! : null;
    const batchCalls = minute.reduce((n, b) => n + b.batchCalls, 0);
    const errorsByCode: Record<string, number> = {};
    for (const b of minute) for (const [code, n] of b.byCode) errorsByCode[code] = (errorsByCode[code] ?? 0) + n;
    const history = { count: new Array<number>(30).fill(0), errors: new Array<number>(30).fill(0) };
    for (const b of this.#seconds) {
      const slot = 29 - Math.floor((at - b.at) / 10);
      if (slot < 0 || slot > 29) continue;
      history.count[slot]! += b.count;
      history.errors[slot]! += b.errors;
    }
    return {
      perSecond: count / 10,
      errorRate: count ? Math.min(1, errors / count) : 0,
      p50Ms: pick(0.5),
      p99Ms: pick(0.99),
      avgBatchSize: batchCalls ? minute.reduce((n, b) => n + b.batchKeys, 0) / batchCalls : null,
      refused: minute.reduce((n, b) => n + b.refused, 0),
      errorsByCode,
      history,
    };
  }
}

/**
 * Live figures for the operator page, per source (from the upstream-call events) and per client
 * (from each finished request): a few counters per second and name, nothing per request beyond
 * a bucket lookup and at most 64 kept latencies per second.
 */
export class LiveStats {
  readonly #sources = new Map<string, Series>();
  readonly #clients = new Map<string, Series>();
  readonly #onCall = (message: unknown) => {
    const event = message as UpstreamCallEvent;
    const bucket = seriesOf(this.#sources, event.source).bucket(Date.now());
    record(bucket, event.durationMs, event.outcome === 'ok' ? undefined : event.outcome);
    if (event.batchSize > 0) {
      bucket.batchCalls++;
      bucket.batchKeys += event.batchSize;
    }
  };

  readonly #onErrors = (message: unknown) => {
    const { client, codes } = message as { client: string; codes: string[] };
    const bucket = seriesOf(this.#clients, client).bucket(Date.now());
    bucket.errors++; // an answer with errors is a failed request, whatever its status
    for (const code of codes) bucket.byCode.set(code, (bucket.byCode.get(code) ?? 0) + 1);
  };

  constructor() {
    subscribe(upstreamCallChannelName, this.#onCall);
    subscribe(graphqlErrorsChannelName, this.#onErrors);
  }

  /**
   * A finished request of a client: its status (4xx/5xx count as errors, by status; 429 as refused).
   * The codes of errors inside an answer (a refused field, a failed source) come from the
   * `facet:graphql-errors` channel and are counted by code beside them.
   */
  recordRequest(client: string, status: number, seconds: number): void {
    const bucket = seriesOf(this.#clients, client).bucket(Date.now());
    record(bucket, seconds * 1000, status >= 400 ? String(status) : undefined);
    if (status === 429) bucket.refused++;
  }

  source(name: string, now = Date.now()): LiveSummary {
    return seriesOf(this.#sources, name).summary(now);
  }

  client(name: string, now = Date.now()): LiveSummary {
    return seriesOf(this.#clients, name).summary(now);
  }

  close(): void {
    unsubscribe(upstreamCallChannelName, this.#onCall);
    unsubscribe(graphqlErrorsChannelName, this.#onErrors);
  }
}

function seriesOf(map: Map<string, Series>, name: string): Series {
  let series = map.get(name);
  if (!series) {
    series = new Series();
    map.set(name, series);
  }
  return series;
}

function record(bucket: Second, ms: number, errorCode: string | undefined): void {
  bucket.count++;
  if (bucket.latenciesMs.length < latencySamplesPerSecond) bucket.latenciesMs.push(ms);
  if (errorCode === undefined) return;
  bucket.errors++;
  bucket.byCode.set(errorCode, (bucket.byCode.get(errorCode) ?? 0) + 1);
}
