// A JSON POST without an Origin header runs through the client's envelop directly, without yoga's
// fetch shell; the same request with an Origin (CORS to answer) goes through yoga. Both must give
// the same answer — status, media type, encoding and body, byte for byte — for valid queries,
// refused fields, bad variables and every kind of malformed request, under every Accept header.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { asUser, startStack, suiteStack } from '../helpers/gateway.js';
import { captureLog } from '../helpers/captured-log.js';
import { jsonMediaTypeFor } from '../../src/server/direct-execution.js';

const origin = 'http://localhost:3000'; // the web client's allowed origin

const bodies: Record<string, string> = {
  'a query with variables': JSON.stringify({
    query: 'query P($id: ID!) { product(id: $id) { id name priceCents } }',
    variables: { id: 'p1' },
  }),
  'an unknown id': JSON.stringify({ query: '{ product(id: "nope") { id name } }' }),
  'a field the caller may not see': JSON.stringify({ query: '{ me { name } user(id: "u2") { name } }' }),
  'a named operation of several': JSON.stringify({
    query: 'query A { product(id: "p1") { name } } query B { product(id: "p2") { name } }',
    operationName: 'B',
  }),
  'an operation name that matches none': JSON.stringify({
    query: 'query A { product(id: "p1") { name } }',
    operationName: 'C',
  }),
  'several operations and no name': JSON.stringify({
    query: 'query A { product(id: "p1") { name } } query B { product(id: "p2") { name } }',
  }),
  'a variable of the wrong type': JSON.stringify({
    query: 'query S($n: Int) { searchProducts(query: "a", limit: $n) { total } }',
    variables: { n: 'many' },
  }),
  'a missing required variable': JSON.stringify({ query: 'query P($id: ID!) { product(id: $id) { id } }' }),
  'a syntax error': JSON.stringify({ query: '{ product(id: "p1") { name ' }),
  'an unknown field': JSON.stringify({ query: '{ product(id: "p1") { nope } }' }),
  'malformed JSON': '{"query": "{ __typename }"',
  'a JSON array': '[{"query": "{ __typename }"}]',
  'an unknown parameter': JSON.stringify({ query: '{ __typename }', foo: 1 }),
  'a query that is not a string': JSON.stringify({ query: 42 }),
  'variables that are not an object': JSON.stringify({ query: '{ __typename }', variables: [1] }),
  'no query': JSON.stringify({ variables: {} }),
  'a subscription': JSON.stringify({ query: 'subscription { ticks }' }),
  'a large answer': JSON.stringify({
    query: `{ products(ids: [${Array.from({ length: 40 }, (_, i) => `"p${(i % 12) + 1}"`).join(',')}]) { id name priceCents currency } }`,
  }),
};

const accepts = [
  'application/json',
  '*/*',
  'application/graphql-response+json',
  'application/graphql-response+json, application/json;q=0.9',
  'application/json; charset=utf-8',
  'application/json; charset=iso-8859-1',
  'text/event-stream, application/json',
  'multipart/mixed',
  'text/html',
];

describe('direct execution of JSON POSTs', () => {
  const suite = suiteStack();

  async function post(body: string, headers: Record<string, string>) {
    const user = await asUser('u1', 'orders:read');
    const res = await fetch(`${suite.stack.url}/web/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user, ...headers },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      encoding: res.headers.get('content-encoding'),
      text: await res.text(),
    };
  }

  for (const [what, body] of Object.entries(bodies)) {
    it(`${what}: the same answer with and without an Origin, under every Accept`, async () => {
      for (const accept of accepts) {
        for (const acceptEncoding of accept === 'application/json' ? ['identity', 'br', 'gzip'] : ['identity']) {
          const headers = { accept, 'accept-encoding': acceptEncoding };
          const direct = await post(body, headers);
          const throughYoga = await post(body, { ...headers, origin });
          assert.deepEqual(direct, throughYoga, `${what}, Accept: ${accept}, Accept-Encoding: ${acceptEncoding}`);
        }
      }
    });
  }

  it('the cases above cover answers with data, with errors and with no data, and compressed ones', async () => {
    const statuses = new Set<number>();
    for (const body of Object.values(bodies)) statuses.add((await post(body, { accept: 'application/json' })).status);
    assert.ok(statuses.has(200) && statuses.has(400), `statuses seen: ${[...statuses]}`);
    const large = await post(bodies['a large answer']!, { accept: 'application/json', 'accept-encoding': 'br' });
    assert.equal(large.encoding, 'br');
    assert.equal(large.status, 200);
    assert.equal((JSON.parse(large.text) as { data: { products: unknown[] } }).data.products.length, 40);
  });
});

describe('a caller that goes away while sending its body', () => {
  it('is dropped quietly: nothing logged as an error, nothing executed, the gateway keeps serving', async () => {
    const { log, lines } = captureLog();
    const stack = await startStack({ log });
    try {
      const user = await asUser('u1');
      const url = new URL(`${stack.url}/mobile/graphql`);
      const socket = connect(Number(url.port), url.hostname);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST /mobile/graphql HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
          `Authorization: ${user['authorization']}\r\nContent-Length: 1000\r\n\r\n{"query":"{ ho`,
      );
      await sleep(50);
      socket.destroy();
      await sleep(100);
      const after = await stack.gql('mobile', '{ home { me { id } } }', { headers: user });
      assert.equal(after.status, 200, after.text);
      const errors = lines.filter((line) => Number(line['level']) >= 50);
      assert.deepEqual(errors, [], 'logged as an error');
      assert.equal(stack.demo.users.calls.total(), 1, 'only the second request reached a backend');
    } finally {
      await stack.close();
    }
  });
});

describe('the Accept header a direct answer follows', () => {
  it('picks the JSON media type yoga would, or none', () => {
    assert.equal(jsonMediaTypeFor(undefined), 'application/json');
    assert.equal(jsonMediaTypeFor('*/*'), 'application/json');
    assert.equal(jsonMediaTypeFor('application/*'), 'application/json');
    assert.equal(jsonMediaTypeFor('application/graphql-response+json'), 'application/graphql-response+json');
    assert.equal(
      jsonMediaTypeFor('application/graphql-response+json, application/json'),
      'application/graphql-response+json',
    );
    assert.equal(jsonMediaTypeFor('application/json, application/graphql-response+json'), 'application/json');
    assert.equal(jsonMediaTypeFor('text/event-stream, application/json'), 'application/json');
    assert.equal(jsonMediaTypeFor('application/json; charset=latin1'), undefined);
    assert.equal(jsonMediaTypeFor('text/html'), undefined);
    assert.equal(jsonMediaTypeFor('multipart/mixed'), undefined);
  });
});
