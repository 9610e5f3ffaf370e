import type { RequestTrace } from '../observability/tracing/index.js';

/** What a source call needs from the request: set by the server, passed through delegation. */
export interface SourceCallContext {
  requestId: string;
  /** Identity of the caller, read by `{identity.…}` templates; null when anonymous. */
  identity: object | null;
  /** Headers sent with every upstream call (request id, trusted identity headers). */
  upstreamHeaders: Record<string, string>;
  /** Upstream calls this request may start (the client's limits.maxUpstreamCalls); unbounded when absent. */
  maxUpstreamCalls?: number;
  /**
   * Set while a response may be cached whole: the entities of every cached call answer it used
   * (their tags), so a purge of one of them drops the response too.
   */
  cacheTags?: Set<string>;
  /** The request's server span when tracing is on: source calls, parse, validate and planning add theirs below it. */
  trace?: RequestTrace;
}
