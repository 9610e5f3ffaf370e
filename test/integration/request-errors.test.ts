// Request-level errors: a request the gateway cannot or will not run gets a 4xx with a stable
// code, no stack trace, no backend traffic, and the server keeps answering afterwards.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { productById } from '../../demo/data.js';
import { asPartner, asUser, backendCalls, startStack, type Stack } from '../helpers/gateway.js';

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Every body answered in this file, checked for stack traces at the end. */
const bodies: { what: string; text: string }[] = [];

function codesOf(text: string): string[] {
  const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
  return (body.errors ?? []).map((e) => e.extensions?.code ?? '(none)');
}

describe('request errors', () => {
  let stack: Stack;
  /** Credentials of each client, sent unless a test overrides them. */
  const credentials: Record<string, Record<string, string>> = {};

  async function send(what: string, path: string, init: RequestInit): Promise<RawResponse> {
    const res = await fetch(`${stack.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    bodies.push({ what, text });
    return { status: res.status, headers: res.headers, text };
  }
  function post(
    what: string,
    body: string,
    headers: Record<string, string> = {},
    client = 'mobile',
  ): Promise<RawResponse> {
    return send(what, `/${client}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...credentials[client], ...headers },
      body,
    });
  }
  const query = (q: string) => JSON.stringify({ query: q });

  before(async () => {
    stack = await startStack();
    credentials['mobile'] = await asUser('u1');
    credentials['partner'] = asPartner();
  });
  after(() => stack.close());
  beforeEach(() => stack.demo.resetCounters());

  it('malformed JSON body → 400 BAD_REQUEST', async () => {
    const res = await post('malformed JSON', '{"query": "{ __typename }"');
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(codesOf(res.text), ['BAD_REQUEST']);
  });

  it('a body without query → 400 BAD_REQUEST', async () => {
    const res = await post('no query', '{}');
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(codesOf(res.text), ['BAD_REQUEST']);
  });

  for (const accept of ['application/json', 'application/graphql-response+json']) {
    it(`syntax error → 400 GRAPHQL_PARSE_FAILED (Accept: ${accept})`, async () => {
      const res = await post(`syntax error, ${accept}`, query('{ product(id: "p1") { name }'), { accept });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(codesOf(res.text), ['GRAPHQL_PARSE_FAILED']);
      assert.match(res.headers.get('content-type') ?? '', new RegExp(accept.replace(/[+]/g, '\\+')));
      assert.equal(backendCalls(stack.demo), 0);
    });
    it(`unknown field → 400 GRAPHQL_VALIDATION_FAILED (Accept: ${accept})`, async () => {
      const res = await post(`validation error, ${accept}`, query('{ product(id: "p1") { nope } }'), { accept });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(codesOf(res.text), ['GRAPHQL_VALIDATION_FAILED']);
      assert.equal(backendCalls(stack.demo), 0);
    });
  }

  it('syntax error in a GET ?query= → 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await send('GET syntax error', `/mobile/graphql?query=${encodeURIComponent('{ product(id: ')}`, {
      headers: { accept: 'application/json', 'x-facet-csrf': '1', ...credentials['mobile'] },
    });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(codesOf(res.text), ['GRAPHQL_PARSE_FAILED']);
  });

  it('too deep (partner, maxDepth 12) → 400 QUERY_TOO_COMPLEX, no backend call', async () => {
    let selection = 'id';
    for (let i = 0; i < 4; i++) selection = `buyer { orderHistory(first: 1) { nodes { ${selection} } } }`;
    const res = await post('too deep', query(`{ order(id: "o1") { ${selection} } }`), {}, 'partner');
    assert.equal(res.status, 400, res.text);
    const codes = codesOf(res.text);
    assert.ok(codes.length >= 1 && codes.every((c) => c === 'QUERY_TOO_COMPLEX'), res.text);
    assert.match(res.text, /depth/i);
    assert.equal(backendCalls(stack.demo), 0);
  });

  it('too many aliases (mobile, maxAliases 20) → 400 QUERY_TOO_COMPLEX, no backend call', async () => {
    const aliases = Array.from({ length: 21 }, (_, i) => `a${i}: product(id: "p${i + 1}") { id }`).join(' ');
    const res = await post('too many aliases', query(`{ ${aliases} }`));
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(codesOf(res.text), ['QUERY_TOO_COMPLEX']);
    assert.match(res.text, /alias/i);
    assert.equal(backendCalls(stack.demo), 0);
  });

  it('too many tokens (maxTokens 5000) → 400 QUERY_TOO_COMPLEX, no backend call', async () => {
    const res = await post('too many tokens', query(`{ product(id: "p1") { ${'id '.repeat(6000)}} }`));
    assert.equal(res.status, 400, res.text);
    assert.equal(backendCalls(stack.demo), 0);
    assert.deepEqual(codesOf(res.text), ['QUERY_TOO_COMPLEX']);
  });

  it('20 aliases (the mobile limit) are fine', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: product(id: "p${i + 1}") { id }`).join(' ');
    const res = await post('20 aliases', query(`{ ${aliases} }`));
    assert.equal(res.status, 200, res.text);
    const data = (JSON.parse(res.text) as { data: Record<string, { id: string } | null> }).data;
    assert.equal(data['a19']?.id, productById('p20')?.id);
  });

  it('body over maxBodyBytes (100000) → 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(100_001) } });
    const res = await post('too large', big);
    assert.equal(res.status, 413, res.text);
    assert.deepEqual(codesOf(res.text), ['PAYLOAD_TOO_LARGE']);
  });

  it('POST without Content-Length (chunked) → 411 LENGTH_REQUIRED', async () => {
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        `${stack.url}/mobile/graphql`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: body }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.write(query('{ __typename }'));
      req.end();
    });
    bodies.push({ what: 'chunked', text });
    assert.equal(status, 411, text);
    assert.deepEqual(codesOf(text), ['LENGTH_REQUIRED']);
  });

  it('PUT → 405 METHOD_NOT_ALLOWED with an Allow header', async () => {
    const res = await send('PUT', '/mobile/graphql', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: query('{ __typename }'),
    });
    assert.equal(res.status, 405, res.text);
    assert.deepEqual(codesOf(res.text), ['METHOD_NOT_ALLOWED']);
    assert.match(res.headers.get('allow') ?? '', /POST/);
  });

  it('a malformed Authorization header → 401 UNAUTHENTICATED, no backend call', async () => {
    const res = await post('malformed authorization', query('{ home { me { id } } }'), { authorization: 'Token u1' });
    assert.equal(res.status, 401, res.text);
    assert.deepEqual(codesOf(res.text), ['UNAUTHENTICATED']);
    assert.equal(backendCalls(stack.demo), 0);
  });

  it('a mutation sent to a client without mutations is refused with a code', async () => {
    const res = await post('mutation on mobile', query('mutation { placeOrder(items: []) { id } }'));
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(codesOf(res.text), ['GRAPHQL_VALIDATION_FAILED']);
  });

  it('the server still answers afterwards', async () => {
    const res = await post('after', query('{ product(id: "p3") { name } }'));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(res.text), { data: { product: { name: productById('p3')?.name } } });
    assert.equal((await fetch(`${stack.url}/healthz`)).status, 200);
  });

  it('no response body contains a stack trace', () => {
    assert.ok(bodies.length >= 12, `only ${bodies.length} bodies collected`);
    for (const { what, text } of bodies) {
      assert.doesNotMatch(text, /\bat .*(?:\/|\\)[^\s)]+\.(?:[cm]?[jt]s)\b/, `${what}: ${text}`);
      assert.doesNotMatch(text, /"stack"/, `${what}: ${text}`);
      assert.doesNotMatch(text, /node_modules|\/src\/|file:\/\//, `${what}: ${text}`);
    }
  });
});
