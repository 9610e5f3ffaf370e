// Front-door guards against hostile input: wrong-typed variables, documents and JSON nested deep
// enough to overflow a recursive parser, and malformed JSON. Each is a 400 with a stable code, no
// backend call, no echo of parser internals, and nothing logged at error level.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { asUser, backendCalls, startStack, type Stack } from '../helpers/gateway.js';

interface Answer {
  status: number;
  text: string;
  codes: string[];
}

describe('request guards', () => {
  let stack: Stack;
  let auth: Record<string, string>;
  /** Gateway log lines at warn level and above. */
  const logged: string[] = [];

  async function send(path: string, init: RequestInit): Promise<Answer> {
    const res = await fetch(`${stack.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
    return { status: res.status, text, codes: (body.errors ?? []).map((e) => e.extensions?.code ?? '(none)') };
  }
  const post = (body: string) =>
    send('/mobile/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
  const get = (search: Record<string, string>) =>
    send(`/mobile/graphql?${new URLSearchParams(search)}`, {
      headers: { accept: 'application/json', 'x-facet-csrf': '1', ...auth },
    });

  before(async () => {
    const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
    stack = await startStack({ log });
    auth = await asUser('u1');
  });
  after(() => stack.close());
  beforeEach(() => {
    stack.demo.resetCounters();
    logged.length = 0;
  });

  const lastOrders = 'query Recent($n: Int) { home { recentOrders(last: $n) { id } } }';
  const product = 'query One($id: ID!) { product(id: $id) { id } }';
  for (const [what, query, variables, name] of [
    ['"x" for Int', lastOrders, { n: 'x' }, 'n'],
    ['1e10 for Int', lastOrders, { n: 1e10 }, 'n'],
    ['123.5 for ID!', product, { id: 123.5 }, 'id'],
    ['an object for ID!', product, { id: { a: 1 } }, 'id'],
    ['a missing ID!', product, {}, 'id'],
  ] as const) {
    it(`a wrong-typed variable (${what}) is 400 BAD_USER_INPUT naming it, logged below error level`, async () => {
      const res = await post(JSON.stringify({ query, variables }));
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.codes, ['BAD_USER_INPUT']);
      const error = (JSON.parse(res.text) as { errors: { message: string; extensions: { variable?: string } }[] })
        .errors[0]!;
      assert.match(error.message, new RegExp(`\\$${name}\\b`));
      assert.equal(error.extensions.variable, name);
      assert.equal(backendCalls(stack.demo), 0);
      assert.deepEqual(logged, []);
    });
  }

  const deepSelection = (levels: number) => `{${'a{'.repeat(levels)}id${'}'.repeat(levels)}}`;

  it('a selection nested 2,000 levels is 400 QUERY_TOO_COMPLEX before parsing (POST)', async () => {
    const res = await post(JSON.stringify({ query: deepSelection(2000) }));
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.codes, ['QUERY_TOO_COMPLEX']);
    assert.match(res.text, /nests deeper than \d+ levels/);
    assert.deepEqual(logged, []);
  });

  it('a selection nested 2,000 levels in a GET query string is 400 QUERY_TOO_COMPLEX', async () => {
    const res = await get({ query: deepSelection(2000) });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.codes, ['QUERY_TOO_COMPLEX']);
  });

  it('nested list literals in an argument count as nesting too', async () => {
    const res = await post(
      JSON.stringify({ query: `{ product(id: ${'['.repeat(3000)}"p1"${']'.repeat(3000)}) { id } }` }),
    );
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.codes, ['QUERY_TOO_COMPLEX']);
  });

  it('braces inside strings and comments do not count', async () => {
    const query = `# ${'{'.repeat(500)}\nquery One($id: ID! = "${'{'.repeat(500)}") { product(id: $id) { id name: __typename } }`;
    const res = await post(JSON.stringify({ query, variables: { id: 'p1' } }));
    assert.equal(res.status, 200, res.text);
  });

  it('variables nested 5,000 levels are 400 BAD_REQUEST before JSON.parse (POST)', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const res = await post(`{"query":${JSON.stringify(product)},"variables":{"id":${deep}}}`);
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.codes, ['BAD_REQUEST']);
    assert.match(res.text, /nests deeper than \d+ levels/);
    assert.deepEqual(logged, []);
  });

  it('variables nested 1,000 levels in a GET query string are 400 BAD_REQUEST (longer URLs are 431)', async () => {
    const res = await get({ query: product, variables: `{"id":${'['.repeat(1000)}1${']'.repeat(1000)}}` });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.codes, ['BAD_REQUEST']);
  });

  it('an invalid JSON body is 400 BAD_REQUEST with a fixed message, no parser message or input echoed', async () => {
    const res = await post('{"query": "{ secretMarker }"');
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.codes, ['BAD_REQUEST']);
    assert.deepEqual(JSON.parse(res.text), {
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('invalid JSON in GET variables is 400 BAD_REQUEST with a fixed message', async () => {
    const res = await get({ query: product, variables: '{"id": secretMarker' });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(res.codes, ['BAD_REQUEST']);
    assert.doesNotMatch(res.text, /secretMarker|position|originalError/);
  });

  it('well-typed variables still run', async () => {
    const res = await post(JSON.stringify({ query: product, variables: { id: 'p1' } }));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(res.text), { data: { product: { id: 'p1' } } }, logged.join('\n'));
  });
});
