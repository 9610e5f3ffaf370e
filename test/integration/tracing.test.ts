// OpenTelemetry tracing: with an OTLP endpoint in the gateway's env, a request yields one trace
// (server span, parse, validate, plan, one CLIENT span per source call) exported over OTLP/HTTP
// JSON to an in-process receiver, and the W3C context reaches the REST and gRPC backends.
// Without one, none of the SDK is loaded: a resolve hook sees every module the process loads.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { after, before, describe, it } from 'node:test';
import { asPartner, asUser, HOME_QUERY, startStack } from '../helpers/gateway.js';
import { copyConfig } from '../helpers/config-copy.js';
import { EPHEMERAL_PORTS, startDemo, type DemoInstance } from '../../demo/index.js';
import { captureLog } from '../helpers/captured-log.js';
import { requestIdHeader } from '../../src/observability/index.js';

/** Every module URL resolved from here on, reported by a resolve hook (hooks run on their own thread). */
const resolvedModules: string[] = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url: string) => resolvedModules.push(url));
port1.unref();
const hook = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

/** Lets the hook thread's messages arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const sdkModules = () => resolvedModules.filter((url) => /\/@opentelemetry\/sdk-/.test(url));

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: AnyValue }>;
  status?: { code?: number };
}
const SERVER = 2;
const CLIENT = 3;

function attributesOf(span: OtlpSpan): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const { key, value } of span.attributes)
    out[key] =
      value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.boolValue;
  return out;
}

/** An OTLP/HTTP receiver: accepts `POST /v1/traces` (JSON) and keeps the spans. */
async function startReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[]; services: string[] }> {
  const spans: OtlpSpan[] = [];
  const services: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !/json/.test(req.headers['content-type'] ?? '')) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: AnyValue }> };
          scopeSpans: Array<{ spans: OtlpSpan[] }>;
        }>;
      };
      for (const resourceSpans of body.resourceSpans) {
        const name = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
        if (name) services.push(name);
        for (const scope of resourceSpans.scopeSpans) spans.push(...scope.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, services };
}

describe('tracing off (no OTLP endpoint)', () => {
  it('serves a request without loading any @opentelemetry/sdk-* module and logs no trace_id', async () => {
    const { log, lines } = captureLog();
    const stack = await startStack({
      log,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' },
    });
    try {
      const res = await stack.gql('mobile', HOME_QUERY, { headers: await asUser('u1') });
      assert.equal(res.status, 200);
      assert.deepEqual(stack.demo.users.calls.traceparents(), []);
      assert.deepEqual(stack.demo.orders.calls.traceparents(), []);
    } finally {
      await stack.close();
    }
    await settle();
    assert.ok(resolvedModules.length > 0, 'the resolve hook reports modules');
    assert.deepEqual(sdkModules(), []);
    const request = lines.find((line) => line['msg'] === 'request');
    assert.ok(request && !('trace_id' in request));
  });

  it('OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none keep it off even with an endpoint', async () => {
    const switches: Record<string, string>[] = [{ OTEL_SDK_DISABLED: 'true' }, { OTEL_TRACES_EXPORTER: 'none' }];
    for (const env of switches) {
      const stack = await startStack({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', ...env } });
      await stack.close();
    }
    await settle();
    assert.deepEqual(sdkModules(), []);
  });
});

describe('tracing on (OTLP/HTTP JSON to an in-process receiver)', () => {
  const clientTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const clientSpanId = '00f067aa0ba902b7';
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const captured = captureLog('debug');
  let spans: OtlpSpan[] = [];
  let ownTraceId = '';
  let ownRequestId = '';
  let restTraceparents: string[] = [];
  let grpcTraceparents: string[] = [];

  before(async () => {
    receiver = await startReceiver();
    const stack = await startStack({
      log: captured.log,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'facet-test' },
    });
    try {
      const user = await asUser('u1');
      // a request that starts its own trace, then one that continues the caller's
      const own = await stack.gql('mobile', HOME_QUERY, { headers: user });
      assert.equal(own.status, 200);
      assert.equal(own.body.errors, undefined);
      ownRequestId = own.headers.get(requestIdHeader) ?? '';
      const continued = await stack.gql('mobile', HOME_QUERY, {
        headers: { ...user, traceparent: `00-${clientTraceId}-${clientSpanId}-01`, tracestate: 'vendor=1' },
      });
      assert.equal(continued.status, 200);
      // introspection is left to delegation: the planner says so through the per-request logger
      const introspection = await stack.gql('mobile', '{ __schema { queryType { name } } }', { headers: user });
      assert.equal(introspection.status, 200);
      const facade = await fetch(`${stack.url}/partner/v2/orders/o1`, { headers: asPartner() });
      assert.equal(facade.status, 200);
      await facade.arrayBuffer();
      restTraceparents = [...stack.demo.users.calls.traceparents(), ...stack.demo.catalog.calls.traceparents()];
      grpcTraceparents = [
        ...stack.demo.orders.calls.traceparents(),
        ...stack.demo.recommendations.calls.traceparents(),
      ];
    } finally {
      // closing the gateway exports what the batch processor still holds
      await stack.close();
    }
    spans = receiver.spans;
    ownTraceId =
      spans.find((s) => s.kind === SERVER && attributesOf(s)['facet.request_id'] === ownRequestId)?.traceId ?? '';
  });
  after(() => receiver?.server.close());

  it('loads the SDK and exports under OTEL_SERVICE_NAME', async () => {
    await settle();
    assert.ok(sdkModules().length > 0, 'the resolve hook saw the SDK load');
    assert.ok(receiver.services.length > 0 && receiver.services.every((name) => name === 'facet-test'));
  });

  it('one home request is one trace: the server span with client, operation, status and request id', () => {
    assert.ok(ownTraceId, 'a server span of its own trace');
    const trace = spans.filter((s) => s.traceId === ownTraceId);
    const servers = trace.filter((s) => s.kind === SERVER);
    assert.equal(servers.length, 1);
    const server = servers[0]!;
    assert.equal(server.parentSpanId || undefined, undefined, 'a root span');
    assert.equal(server.name, 'POST /mobile/graphql');
    const attributes = attributesOf(server);
    assert.equal(attributes['facet.client'], 'mobile');
    assert.equal(attributes['graphql.operation.type'], 'query');
    assert.equal(attributes['http.response.status_code'], 200);
    assert.equal(attributes['http.request.method'], 'POST');
    assert.equal(attributes['facet.request_id'], ownRequestId);
    assert.notEqual(ownTraceId, clientTraceId);
    // every other span of the trace hangs below the server span
    for (const span of trace) if (span !== server) assert.equal(span.parentSpanId, server.spanId, span.name);
  });

  it('parse, validate and plan have spans on the first request only (cached after)', () => {
    const names = (traceId: string) => spans.filter((s) => s.traceId === traceId).map((s) => s.name);
    for (const step of ['graphql.parse', 'graphql.validate', 'facet.plan']) {
      assert.ok(names(ownTraceId).includes(step), `${step} in the first trace`);
      assert.ok(!names(clientTraceId).includes(step), `${step} served from a cache the second time`);
    }
  });

  it('one CLIENT span per source call, with source, protocol, REST template or rpc, batch size, retries, breaker, outcome', () => {
    const calls = spans.filter((s) => s.traceId === ownTraceId && s.kind === CLIENT).map(attributesOf);
    const sources = new Set(calls.map((a) => a['facet.source']));
    assert.deepEqual([...sources].sort(), ['catalog', 'orders', 'recommendations', 'users']);
    for (const call of calls) {
      assert.equal(call['facet.outcome'], 'ok');
      assert.equal(call['facet.breaker.state'], 'closed');
      assert.equal(call['facet.retry.count'], 0);
      assert.equal(typeof call['facet.batch.size'], 'number');
    }
    const users = calls.find((a) => a['facet.source'] === 'users')!;
    assert.equal(users['facet.source.protocol'], 'REST');
    assert.equal(users['http.request.method'], 'GET');
    assert.match(String(users['url.template']), /\{/, 'the path template, not the values');
    const orders = calls.find((a) => a['facet.source'] === 'orders')!;
    assert.equal(orders['facet.source.protocol'], 'GRPC');
    assert.match(String(orders['rpc.method']), /\w+/);
    const catalog = calls.find((a) => a['facet.source'] === 'catalog')!;
    assert.ok(Number(catalog['facet.batch.size']) > 1, 'the products of the home screen in one batch');
  });

  it('a REST facade request has its server span, with the client and the operation', () => {
    const server = spans.find((s) => s.kind === SERVER && attributesOf(s)['facet.client'] === 'partner');
    assert.ok(server, 'a server span for the facade request');
    assert.equal(server.name, 'GET /partner/*');
    const attributes = attributesOf(server);
    assert.equal(attributes['url.path'], '/partner/v2/orders/o1');
    assert.equal(attributes['http.response.status_code'], 200);
    assert.equal(attributes['graphql.operation.type'], 'query');
    assert.ok(spans.some((s) => s.traceId === server.traceId && s.kind === CLIENT && s.parentSpanId === server.spanId));
  });

  it("a client's traceparent is the parent of the server span", () => {
    const server = spans.find((s) => s.traceId === clientTraceId && s.kind === SERVER);
    assert.ok(server, 'the server span continues the caller trace');
    assert.equal(server.parentSpanId, clientSpanId);
    assert.ok(spans.filter((s) => s.traceId === clientTraceId && s.kind === CLIENT).length >= 4);
  });

  it('the REST and gRPC backends received the context of their call span', () => {
    const callSpanIds = new Set(spans.filter((s) => s.kind === CLIENT).map((s) => s.spanId));
    for (const [protocol, received] of [
      ['REST', restTraceparents],
      ['gRPC', grpcTraceparents],
    ] as const) {
      const ofClientTrace = received.filter((value) => value.split('-')[1] === clientTraceId);
      assert.ok(ofClientTrace.length > 0, `${protocol} backends saw the client's trace id: ${received.join(' ')}`);
      for (const value of received) {
        assert.match(value, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        assert.ok(callSpanIds.has(value.split('-')[2]!), `${protocol}: the parent is a source call span`);
      }
    }
  });

  it('the request log line and the per-request logger carry trace_id', () => {
    const serverTraceIds = new Set(spans.filter((s) => s.kind === SERVER).map((s) => s.traceId));
    const requests = captured.lines.filter((line) => line['msg'] === 'request' && line['client'] === 'mobile');
    assert.equal(requests.length, 3);
    for (const line of requests) assert.ok(serverTraceIds.has(String(line['trace_id'])), JSON.stringify(line));
    assert.ok(requests.some((line) => line['trace_id'] === clientTraceId));
    const planner = captured.lines.find((line) => line['msg'] === 'query planner: left to delegation');
    assert.ok(planner, 'the planner logged through the per-request logger');
    assert.ok(serverTraceIds.has(String(planner['trace_id'])), JSON.stringify(planner));
  });
});

describe('tracing a failing source (one span per call, the retries counted on it)', () => {
  it('a backend answering 503 / UNAVAILABLE: the call span has the retry count, the error code and an error status', async () => {
    const receiver = await startReceiver();
    const stack = await startStack({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    try {
      stack.demo.users.setFault('unavailable');
      stack.demo.orders.setFault('unavailable');
      const res = await stack.gql('mobile', HOME_QUERY, { headers: await asUser('u1') });
      assert.equal(res.status, 200);
      assert.ok(res.body.errors?.length);
    } finally {
      await stack.close();
      receiver.server.close();
    }
    const calls = receiver.spans.filter((s) => s.kind === CLIENT);
    for (const source of ['users', 'orders']) {
      const failed = calls.filter((s) => attributesOf(s)['facet.source'] === source);
      assert.equal(failed.length, 1, `one span for the ${source} call, whatever its attempts`);
      const attributes = attributesOf(failed[0]!);
      assert.ok(Number(attributes['facet.retry.count']) > 0, `${source}: ${JSON.stringify(attributes)}`);
      assert.match(String(attributes['facet.outcome']), /^[A-Z_]+$/);
      assert.notEqual(attributes['facet.outcome'], 'ok');
      assert.equal(failed[0]!.status?.code, 2, 'status ERROR');
    }
  });
});

describe('tracing a source with several instances', () => {
  it('a call retried on another instance is one span with its retry count; the instance that answered got its context', async () => {
    const receiver = await startReceiver();
    const demo = await startDemo({ ports: EPHEMERAL_PORTS, catalogInstances: 2, latencyMs: 0 });
    const config = copyConfig([
      ['schema/catalog.graphql', 'url: "${CATALOG_URL:-http://127.0.0.1:4102}"', 'url: "${CATALOG_URLS}"'],
    ]);
    const stack = await startStack({ demo, dir: config.dir, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    try {
      const [alive, dead] = demo.catalogInstances as [DemoInstance, DemoInstance];
      await dead.close();
      const user = await asUser('u1');
      for (let i = 0; i < 4; i++) {
        const res = await stack.gql('web', `{ product(id: "p${i + 1}") { name } }`, { headers: user });
        assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      }
      const callSpanIds = () => new Set(receiver.spans.filter((s) => s.kind === CLIENT).map((s) => s.spanId));
      await stack.close();
      const catalogCalls = receiver.spans.filter(
        (s) => s.kind === CLIENT && attributesOf(s)['facet.source'] === 'catalog',
      );
      assert.equal(catalogCalls.length, 4, 'one span per call, whatever its attempts');
      assert.ok(
        catalogCalls.some((s) => Number(attributesOf(s)['facet.retry.count']) >= 1),
        'a call that met the closed instance was retried on the other one',
      );
      for (const span of catalogCalls) assert.equal(attributesOf(span)['facet.outcome'], 'ok');
      const received = alive.calls.traceparents();
      assert.equal(received.length, 4);
      for (const value of received) assert.ok(callSpanIds().has(value.split('-')[2]!));
    } finally {
      await stack.close();
      await demo.close();
      config.remove();
      receiver.server.close();
    }
  });
});
