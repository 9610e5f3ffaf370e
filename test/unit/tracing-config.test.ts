// Tracing configuration from the OTEL_* variables: when it is on, where spans go, how they are sampled.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/observability/index.js';
import { tracingConfigured } from '../../src/observability/tracing/index.js';
import { samplerOf, tracesEndpointOf } from '../../src/observability/tracing/otel-tracing.js';

const log = createLogger({ level: 'silent' });

describe('tracing configuration (OTEL_* variables)', () => {
  it('is on with an OTLP endpoint only, and off when the SDK is disabled or the exporter is none', () => {
    assert.equal(tracingConfigured({}), false);
    assert.equal(tracingConfigured({ OTEL_SERVICE_NAME: 'facet' }), false);
    assert.equal(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
    assert.equal(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true);
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    assert.equal(tracingConfigured({ ...endpoint, OTEL_SDK_DISABLED: 'true' }), false);
    assert.equal(tracingConfigured({ ...endpoint, OTEL_SDK_DISABLED: 'false' }), true);
    assert.equal(tracingConfigured({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }), false);
  });

  it('sends to the traces endpoint as it is, else to the base endpoint + /v1/traces', () => {
    assert.equal(tracesEndpointOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }), 'http://c:4318/v1/traces');
    assert.equal(tracesEndpointOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }), 'http://c:4318/v1/traces');
    assert.equal(
      tracesEndpointOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/x',
      }),
      'http://t/x',
    );
  });

  it('samples parent-based always-on by default, and as OTEL_TRACES_SAMPLER(_ARG) say', () => {
    const sampler = (env: Record<string, string>) => samplerOf(env, log).toString();
    assert.match(sampler({}), /^ParentBased\{root=AlwaysOnSampler/);
    assert.match(sampler({ OTEL_TRACES_SAMPLER: 'always_off' }), /^AlwaysOffSampler/);
    assert.match(
      sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }),
      /^ParentBased\{root=TraceIdRatioBased\{0\.25\}/,
    );
    assert.match(
      sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }),
      /TraceIdRatioBased\{1\}/,
    );
    assert.match(sampler({ OTEL_TRACES_SAMPLER: 'unknown' }), /^ParentBased\{root=AlwaysOnSampler/);
  });
});
