// CSRF: a page on another origin can make a browser send GET requests and form/text POSTs without
// a CORS preflight. GraphQL endpoints take only JSON bodies on POST (415 otherwise), never run
// mutations over GET (405, Allow: POST), and require a custom header on requests that could skip the
// preflight (Apollo Router's rule) — configurable per client with `csrfPrevention`.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { suiteStack, backendCalls, startStack, type Stack } from '../helpers/gateway.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  code?: string;
}

async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const code = res.headers.get('content-type')?.includes('json')
    ? (JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code
    : undefined;
  return { status: res.status, headers: res.headers, text, code };
}

const placeOrder = 'mutation { placeOrder(items: [{ productId: "p1", quantity: 1 }]) { id } }';
const getUrl = (base: string, client: string, query: string) =>
  `${base}/${client}/graphql?query=${encodeURIComponent(query)}`;

describe('CSRF prevention on the demo clients (defaults)', () => {
  const suite = suiteStack();
  beforeEach(() => suite.stack.demo.resetCounters());

  for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
    it(`a ${contentType.split(';')[0]} POST is 415 UNSUPPORTED_MEDIA_TYPE and runs nothing`, async () => {
      const body = contentType.startsWith('multipart')
        ? `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${placeOrder}\r\n--x--\r\n`
        : contentType === 'text/plain'
          ? JSON.stringify({ query: placeOrder })
          : `query=${encodeURIComponent(placeOrder)}`;
      const res = await send(`${suite.stack.url}/web/graphql`, {
        method: 'POST',
        headers: { ...suite.user, 'content-type': contentType },
        body,
      });
      assert.equal(res.status, 415, res.text);
      assert.equal(res.code, 'UNSUPPORTED_MEDIA_TYPE');
      assert.equal(backendCalls(suite.stack.demo), 0);
    });
  }

  it('a POST without Content-Type is 415', async () => {
    const res = await send(`${suite.stack.url}/web/graphql`, {
      method: 'POST',
      headers: suite.user,
      body: new Blob([JSON.stringify({ query: '{ __typename }' })]),
    });
    assert.equal(res.status, 415, res.text);
    assert.equal(res.code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('application/json and application/graphql-response+json POST bodies run', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'application/graphql-response+json']) {
      const res = await send(`${suite.stack.url}/web/graphql`, {
        method: 'POST',
        headers: { ...suite.user, 'content-type': contentType },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      assert.equal(res.status, 200, `${contentType}: ${res.text}`);
    }
  });

  it('a GET without a required header is 400 CSRF_ERROR before authentication or any backend call', async () => {
    const res = await send(getUrl(suite.stack.url, 'web', '{ me { id } }'), {
      headers: { accept: 'application/json' },
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.code, 'CSRF_ERROR');
    assert.match(res.text, /x-facet-csrf/);
    assert.equal(backendCalls(suite.stack.demo), 0);
  });

  it('a GET with an empty required header is refused; a non-empty one of each default header runs', async () => {
    const empty = await send(getUrl(suite.stack.url, 'web', '{ __typename }'), {
      headers: { ...suite.user, 'x-facet-csrf': '' },
    });
    assert.equal(empty.code, 'CSRF_ERROR', empty.text);
    for (const header of ['x-apollo-operation-name', 'apollo-require-preflight', 'x-facet-csrf']) {
      const res = await send(getUrl(suite.stack.url, 'web', '{ __typename }'), {
        headers: { ...suite.user, [header]: 'true' },
      });
      assert.equal(res.status, 200, `${header}: ${res.text}`);
    }
  });

  it('a mutation over GET is 405 METHOD_NOT_ALLOWED with Allow: POST, even with the header', async () => {
    const res = await send(getUrl(suite.stack.url, 'web', placeOrder), {
      headers: { ...suite.user, 'x-facet-csrf': '1' },
    });
    assert.equal(res.status, 405, res.text);
    assert.equal(res.code, 'METHOD_NOT_ALLOWED');
    assert.equal(res.headers.get('allow'), 'POST');
    assert.equal(backendCalls(suite.stack.demo), 0);
  });

  it('the GraphiQL page still opens in a browser, and its POST JSON requests run', async () => {
    const page = await send(`${suite.stack.url}/web/graphql`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const res = await send(`${suite.stack.url}/web/graphql`, {
      method: 'POST',
      headers: { ...suite.user, 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(res.status, 200, res.text);
  });
});

describe('CSRF prevention configured in client.yaml', () => {
  let fixture: FixtureConfig;
  let stack: Stack;
  const schema = 'type Query { product(id: ID!): Product }\ntype Product { id: ID! name: String! }\n';
  before(async () => {
    fixture = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: {
        open: { schema, yaml: 'csrfPrevention: false\n' },
        custom: { schema, yaml: 'csrfPrevention:\n  requiredHeaders: [X-Requested-By]\n' },
      },
    });
    stack = await startStack({ dir: fixture.dir });
  });
  after(async () => {
    await stack.close();
    fixture.cleanup();
  });

  it('csrfPrevention: false lets a GET without headers run', async () => {
    const res = await send(getUrl(stack.url, 'open', '{ product(id: "p1") { id } }'));
    assert.equal(res.status, 200, res.text);
  });

  it('requiredHeaders replaces the defaults', async () => {
    const url = getUrl(stack.url, 'custom', '{ product(id: "p1") { id } }');
    assert.equal((await send(url, { headers: { 'x-facet-csrf': '1' } })).code, 'CSRF_ERROR');
    assert.equal((await send(url, { headers: { 'x-requested-by': 'app' } })).status, 200);
  });
});
