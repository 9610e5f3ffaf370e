import {
  type Attributes,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import type { CallSpan, RequestTrace, TraceAttributes, Tracing } from './index.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The SDK side, loaded only when tracing is configured. Nothing is registered globally (no global
 * tracer provider, propagator or context manager): a process may run several gateways (tests do),
 * each with its own provider, and parents are passed explicitly from the request's span.
 */
export function createOtelTracing(env: Env, log: Logger): Tracing {
  const url = tracesEndpointOf(env);
  const exporter = new OTLPTraceExporter({ url, headers: headersOf(env['OTEL_EXPORTER_OTLP_HEADERS']) });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env['OTEL_SERVICE_NAME'] || 'facet' }),
    sampler: samplerOf(env, log),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('facet');
  const propagator = new W3CTraceContextPropagator();
  log.info({ endpoint: url }, 'tracing on: spans exported over OTLP/HTTP');
  warnOfUnsupported(env, log);

  return {
    startRequest(name, headers, attributes) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: clean(attributes) }, parent);
      return requestTrace(tracer, propagator, span);
    },
    shutdown: () => provider.shutdown(),
  };
}

function requestTrace(tracer: Tracer, propagator: W3CTraceContextPropagator, span: Span): RequestTrace {
  const context = trace.setSpan(ROOT_CONTEXT, span);
  return {
    traceId: span.spanContext().traceId,
    setAttributes: (attributes) => span.setAttributes(clean(attributes)),
    step(name, run, attributes) {
      const step = tracer.startSpan(name, { attributes: attributes && clean(attributes) }, context);
      try {
        return run();
      } catch (error) {
        step.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        step.end();
      }
    },
    startCall(name, attributes) {
      const call = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: clean(attributes) }, context);
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, call), headers, defaultTextMapSetter);
      return callSpan(call, headers);
    },
    end(attributes, failed) {
      endSpan(span, attributes, failed);
    },
  };
}

function callSpan(span: Span, headers: Record<string, string>): CallSpan {
  return {
    headers,
    retries: 0,
    end(attributes, failed) {
      endSpan(span, { 'facet.retry.count': this.retries, ...attributes }, failed);
    },
  };
}

function endSpan(span: Span, attributes: TraceAttributes, failed: boolean): void {
  span.setAttributes(clean(attributes));
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** Attributes without the undefined values (absent rather than empty). */
function clean(attributes: TraceAttributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) kept[key] = value;
  return kept;
}

/** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces` (the specification's rule). */
export function tracesEndpointOf(env: Env): string {
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (traces) return traces;
  return `${(env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '').replace(/\/+$/, '')}/v1/traces`;
}

/** Settings this gateway does not follow, said once rather than ignored silently: it exports OTLP/HTTP JSON only. */
function warnOfUnsupported(env: Env, log: Logger): void {
  const exporter = env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase();
  if (exporter && exporter !== 'otlp')
    log.warn({ exporter }, 'OTEL_TRACES_EXPORTER: only otlp (or none) is supported; exporting over OTLP/HTTP');
  const protocol = env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] || env['OTEL_EXPORTER_OTLP_PROTOCOL'];
  if (protocol && protocol !== 'http/json')
    log.warn({ protocol }, 'OTEL_EXPORTER_OTLP_PROTOCOL: only http/json is supported; exporting JSON over HTTP');
}

/** OTEL_EXPORTER_OTLP_HEADERS: `key=value,key2=value2` (values URL-encoded). */
function headersOf(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const headers: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

/** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG; parentbased_always_on by default, as the specification says. */
export function samplerOf(env: Env, log: Logger): Sampler {
  const name = (env['OTEL_TRACES_SAMPLER'] || 'parentbased_always_on').trim().toLowerCase();
  const arg = Number(env['OTEL_TRACES_SAMPLER_ARG'] ?? 1);
  const ratio = Number.isFinite(arg) && arg >= 0 && arg <= 1 ? arg : 1;
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    default:
      log.warn({ sampler: name }, 'OTEL_TRACES_SAMPLER not known; using parentbased_always_on');
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
