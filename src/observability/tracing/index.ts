import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';

/**
 * OpenTelemetry tracing, off unless an OTLP endpoint is configured. This module is all the rest of
 * the gateway imports: its own small interfaces, no OpenTelemetry code. The SDK is loaded
 * (dynamic import) only when tracing is on, so a gateway without it loads none of it, and the
 * hot path pays a check of `context.trace` (undefined) and nothing else.
 */

export type TraceAttributes = Record<string, string | number | boolean | undefined>;

/** The tracing of one gateway: a tracer provider exporting over OTLP/HTTP. */
export interface Tracing {
  /** The server span of a request; a W3C `traceparent` in `headers` makes its trace the parent. */
  startRequest(name: string, headers: IncomingHttpHeaders, attributes: TraceAttributes): RequestTrace;
  /** Exports what is buffered and stops the provider (gateway close). */
  shutdown(): Promise<void>;
}

/** One request's server span, and what is started below it. */
export interface RequestTrace {
  readonly traceId: string;
  setAttributes(attributes: TraceAttributes): void;
  /** A synchronous step of the request (parse, validate, plan) as a child span. */
  step<T>(name: string, run: () => T, attributes?: TraceAttributes): T;
  /** The CLIENT span of one source call. */
  startCall(name: string, attributes: TraceAttributes): CallSpan;
  end(attributes: TraceAttributes, failed: boolean): void;
}

/** One source call's span: what the backend is sent to continue the trace, and the retries seen. */
export interface CallSpan {
  /** `traceparent` (and `tracestate`) naming this span as the parent. */
  readonly headers: Readonly<Record<string, string>>;
  /** Attempts after the first, as the transport saw them. */
  retries: number;
  end(attributes: TraceAttributes, failed: boolean): void;
}

/** Tracing is configured: an OTLP endpoint, the SDK not disabled, the exporter not `none`. */
export function tracingConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  if (env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase() === 'none') return false;
  return Boolean(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT']);
}

/** Whether this process has loaded the OpenTelemetry SDK (a gateway started tracing). */
export let tracingSdkLoaded = false;

/** Starts tracing from `env` (OTEL_* variables); undefined, with nothing loaded, when it is not configured. */
export async function startTracing(
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): Promise<Tracing | undefined> {
  if (!tracingConfigured(env)) return undefined;
  const { createOtelTracing } = await import('./otel-tracing.js');
  tracingSdkLoaded = true;
  propagating = true;
  return createOtelTracing(env, log);
}

// The source call in progress, for the transports (undici, grpc-js) that send its context to
// the backend: they are reached through closures built before the call's span exists.
const currentCall = new AsyncLocalStorage<CallSpan>();
/** Set once any gateway of the process traces: until then the transports skip the lookup. */
let propagating = false;

/** Runs a source call with its span current, so that the transport propagates it. */
export function runInCallSpan<T>(span: CallSpan, run: () => Promise<T>): Promise<T> {
  return currentCall.run(span, run);
}

/** The span of the source call being sent, when tracing is on. */
export function currentCallSpan(): CallSpan | undefined {
  return propagating ? currentCall.getStore() : undefined;
}

/** One more attempt of the source call in progress (a retry on another instance). */
export function countRetry(): void {
  const span = currentCallSpan();
  if (span) span.retries++;
}

// undici's retry interceptor hands the same handler to every attempt of one request: the first
// attempt is dispatched in the call's async context, the later ones from timers (no context).
const attemptsOf = new WeakMap<object, CallSpan>();

/** Counts one attempt of the request `handler` serves (called by the transport per dispatch). */
export function countAttempt(handler: object): void {
  if (!propagating) return;
  const known = attemptsOf.get(handler);
  if (known) known.retries++;
  else {
    const span = currentCall.getStore();
    if (span) attemptsOf.set(handler, span);
  }
}
