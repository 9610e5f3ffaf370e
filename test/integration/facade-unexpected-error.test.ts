// An exception the REST facade did not expect (a bug, not a coded error) is answered as the facade
// answers every error: RFC 9457 problem+json, 500 INTERNAL_SERVER_ERROR with the request id, and
// nothing of the exception itself. The exception is logged once, at error level, with the request id.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpServer, type Routes } from '../../src/server/http-server.js';
import type { ClientEndpoint } from '../../src/server/client-endpoint.js';
import { createMetrics } from '../../src/observability/index.js';
import { captureLog } from '../helpers/captured-log.js';

describe('an unexpected exception in the REST facade', () => {
  const { log, lines } = captureLog();
  const metrics = createMetrics();
  const endpoint = { name: 'partner', forgeableHeaders: [] } as unknown as ClientEndpoint;
  const routes: Routes = {
    endpoints: new Map(),
    facades: new Map([
      [
        '/partner',
        {
          endpoint,
          handle: async () => {
            throw new Error('boom: secret internals at /srv/facet/handler.ts:42');
          },
        },
      ],
    ]),
  };
  const server = createHttpServer({ log, metrics, routes: () => routes, ready: () => true });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    metrics.close();
  });

  it('is a 500 problem+json with code INTERNAL_SERVER_ERROR and the request id, without internals', async () => {
    const res = await fetch(`${url}/partner/v2/orders/o1`, { headers: { 'x-request-id': 'req-facade-500' } });
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.headers.get('x-request-id'), 'req-facade-500');
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), {
      type: 'urn:facet:error:INTERNAL_SERVER_ERROR',
      title: 'Unexpected error',
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      instance: '/partner/v2/orders/o1',
      requestId: 'req-facade-500',
    });
    assert.doesNotMatch(text, /boom|secret|handler\.ts|stack/);
  });

  it('is logged once at error level with the request id and the stack', async () => {
    await fetch(`${url}/partner/v1/products/p1`, { headers: { 'x-request-id': 'req-facade-log' } });
    const errors = lines.filter((l) => l['level'] === 50 && l['requestId'] === 'req-facade-log');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    const err = errors[0]!['err'] as { message: string; stack: string };
    assert.match(err.message, /boom/);
    assert.match(err.stack, /facade-unexpected-error\.test\.ts/);
  });
});
