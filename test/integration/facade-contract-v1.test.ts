// Contract of the deprecated v1 REST API: what partners integrated against must not change until
// the sunset. For each v1 GET endpoint the "shape" of a real answer (keys and JSON types,
// recursively; arrays by their first element) and the endpoint's documented parameters and
// response schemas in /partner/v1/openapi.json (plus components.schemas) are compared with the
// committed snapshot test/fixtures/contracts/v1-shapes.json.
//
// A missing snapshot is a failure. To (re)create it deliberately: delete the file and run
//   UPDATE_CONTRACTS=1 node --import tsx --test test/integration/facade-contract-v1.test.ts
// Independently of the snapshot, the answers and schemas must keep v1's conventions:
// snake_case names and money as integer `*_cents` next to `currency`.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_USER_ID, ORDERS, PRODUCTS, PRODUCT_COUNT, ordersOfUser } from '../../demo/data.js';
import { asObject, repoRoot, shapeOf, startFacadeStack, type FacadeStack, type Json } from '../helpers/facade.js';

const SNAPSHOT = join(repoRoot, 'test', 'fixtures', 'contracts', 'v1-shapes.json');
const V = '/partner/v1';

/** The request that produces each v1 GET endpoint's answer (documented path → concrete path). */
const sampleOrder = ORDERS.find((o) => o.items.length >= 2) ?? ORDERS[0]!;
const REQUESTS: Record<string, string> = {
  'GET /products/{id}': `/products/${PRODUCTS[0]!.id}`,
  // the first element decides the array's shape: a known product first
  'GET /products': `/products?ids=${PRODUCTS[1]!.id},p${PRODUCT_COUNT + 1}`,
  'GET /products/search': `/products/search?q=${encodeURIComponent(PRODUCTS[0]!.category.toLowerCase())}&limit=2`,
  'GET /orders/{id}': `/orders/${sampleOrder.id}`,
  // fewer than the user's orders: next_cursor is a string on this page
  'GET /users/{id}/orders': `/users/${FIXTURE_USER_ID}/orders?limit=${Math.max(1, ordersOfUser(FIXTURE_USER_ID).length - 1)}`,
};

interface Contract {
  /** Shape of the answer of each v1 GET endpoint. */
  responses: Record<string, Json>;
  openapi: {
    /** components.schemas of the v1 document. */
    components: Json;
    /** Per v1 GET endpoint: parameters and, per status, media type → schema and header names. */
    endpoints: Record<string, Json>;
  };
}

type Operation = {
  parameters?: Json[];
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema?: Json }> }>;
};

/** What a partner relies on in an operation: parameters, and per status the schemas and headers. */
function operationContract(op: Operation): Json {
  const responses: Record<string, Json> = {};
  for (const [status, response] of Object.entries(op.responses).sort(([a], [b]) => a.localeCompare(b))) {
    responses[status] = {
      headers: Object.keys(response.headers ?? {}).sort(),
      content: Object.fromEntries(
        Object.entries(response.content ?? {}).map(([type, media]) => [type, media.schema ?? null]),
      ),
    };
  }
  return { parameters: op.parameters ?? [], responses };
}

/** Every object key in a shape or schema-free JSON value, with its path. */
function keysOf(value: unknown, path = '$', out: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) keysOf(v, `${path}[${i}]`, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([`${path}.${k}`, k]);
      keysOf(v, `${path}.${k}`, out);
    }
  }
  return out;
}

/** The v1 conventions on a response shape: snake_case keys; `*_cents` integers next to `currency`. */
function assertV1Conventions(shape: Json, what: string): void {
  for (const [path, key] of keysOf(shape)) assert.match(key, /^[a-z][a-z0-9_]*$/, `${what}: ${path} is not snake_case`);
  const visit = (node: Json, path: string): void => {
    if (Array.isArray(node)) {
      for (const [i, n] of node.entries()) visit(n, `${path}[${i}]`);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key.endsWith('_cents'))
        assert.equal(value, 'integer', `${what}: ${path}.${key} is ${JSON.stringify(value)}, not integer cents`);
      // v2 money objects ({ amount, currency } under price/total) must not appear in v1
      assert.ok(key !== 'amount' && key !== 'price', `${what}: ${path}.${key} looks like a v2 money field`);
      if (key === 'total') assert.equal(value, 'integer', `${what}: ${path}.total is a count, not money`);
      visit(value, `${path}.${key}`);
    }
  };
  visit(shape, '$');
}

describe('v1 contract (frozen response shapes and documented schemas)', () => {
  let stack: FacadeStack;
  let current: Contract;
  let snapshot: Contract | undefined;

  before(async () => {
    stack = await startFacadeStack();
    const docRes = await stack.rest('GET', `${V}/openapi.json`, { auth: false });
    assert.equal(docRes.status, 200, docRes.text);
    const doc = asObject(docRes.json, 'openapi.json') as {
      paths: Record<string, Record<string, Operation>>;
      components?: { schemas?: Json };
    };

    const gets = Object.entries(doc.paths)
      .filter(([, item]) => item['get'])
      .map(([path]) => `GET ${path}`)
      .sort();
    assert.deepEqual(
      gets,
      Object.keys(REQUESTS).sort(),
      'every v1 GET endpoint has a request in REQUESTS (and only those)',
    );

    current = { responses: {}, openapi: { components: doc.components?.schemas ?? null, endpoints: {} } };
    for (const endpoint of gets) {
      const res = await stack.rest('GET', `${V}${REQUESTS[endpoint]!}`);
      assert.equal(res.status, 200, `${endpoint}: ${res.text}`);
      current.responses[endpoint] = shapeOf(res.json);
      current.openapi.endpoints[endpoint] = operationContract(doc.paths[endpoint.slice(4)]!['get']!);
    }

    if (existsSync(SNAPSHOT)) snapshot = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Contract;
    else if (process.env['UPDATE_CONTRACTS'] === '1') {
      mkdirSync(dirname(SNAPSHOT), { recursive: true });
      writeFileSync(SNAPSHOT, `${JSON.stringify(current, null, 2)}\n`);
      snapshot = current;
    }
  });
  after(async () => {
    await stack?.close();
  });

  it('the snapshot test/fixtures/contracts/v1-shapes.json exists', () => {
    assert.ok(snapshot, `missing ${SNAPSHOT}: run once with UPDATE_CONTRACTS=1 to write it from the current behaviour`);
  });

  for (const endpoint of Object.keys(REQUESTS).sort()) {
    it(`${endpoint}: the answer has the frozen shape`, () => {
      assert.ok(snapshot, 'snapshot');
      assert.deepEqual(current.responses[endpoint], snapshot.responses[endpoint]);
    });

    it(`${endpoint}: the documented parameters and response schemas are frozen`, () => {
      assert.ok(snapshot, 'snapshot');
      assert.deepEqual(current.openapi.endpoints[endpoint], snapshot.openapi.endpoints[endpoint]);
    });
  }

  it('components.schemas of the v1 document are frozen', () => {
    assert.ok(snapshot, 'snapshot');
    assert.deepEqual(current.openapi.components, snapshot.openapi.components);
  });

  it('the snapshot covers exactly the current v1 GET endpoints', () => {
    assert.ok(snapshot, 'snapshot');
    assert.deepEqual(Object.keys(snapshot.responses).sort(), Object.keys(current.responses).sort());
    assert.deepEqual(Object.keys(snapshot.openapi.endpoints).sort(), Object.keys(current.openapi.endpoints).sort());
  });

  it('the answers (and the snapshot) keep v1 conventions: snake_case, integer *_cents', () => {
    for (const [endpoint, shape] of Object.entries(current.responses))
      assertV1Conventions(shape, `answer of ${endpoint}`);
    if (snapshot)
      for (const [endpoint, shape] of Object.entries(snapshot.responses))
        assertV1Conventions(shape, `snapshot of ${endpoint}`);
    // money is present in every v1 GET answer, as cents
    for (const [endpoint, shape] of Object.entries(current.responses)) {
      assert.ok(
        keysOf(shape).some(([, k]) => k.endsWith('_cents')),
        `${endpoint} has a *_cents field`,
      );
    }
  });

  it('the documented success schemas keep v1 conventions: snake_case properties, *_cents integers', () => {
    for (const [endpoint, contract] of Object.entries(current.openapi.endpoints)) {
      const schema = asObject(asObject(asObject(asObject(contract)['responses'])['200'])['content'])[
        'application/json'
      ];
      const names: string[] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) {
          for (const n of node) walk(n);
          return;
        }
        if (!node || typeof node !== 'object') return;
        const record = node as Record<string, unknown>;
        if (record['properties'] && typeof record['properties'] === 'object') {
          for (const [key, value] of Object.entries(record['properties'] as Record<string, unknown>)) {
            names.push(key);
            if (key.endsWith('_cents')) assert.deepEqual(value, { type: 'integer' }, `${endpoint}: ${key}`);
          }
        }
        Object.values(record).forEach(walk);
      };
      walk(schema);
      assert.ok(names.length > 0, `${endpoint}: documented properties`);
      for (const name of names) assert.match(name, /^[a-z][a-z0-9_]*$/, `${endpoint}: ${name}`);
    }
  });
});
