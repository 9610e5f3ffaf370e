// @authenticated / @requiresScopes / @requiresRole in client schemas: a refused field comes back as
// null with FORBIDDEN (or UNAUTHENTICATED) and its path, the rest of the data is intact, and the
// backend behind the refused field is never called — also through fragments, aliases and lists.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { orderById, ordersOfUser, paymentMethodsOf, productById, stockOf, userById } from '../../demo/data.js';
import { errorsWithCode, startStack, type GqlBody, type GqlError, type Stack } from '../helpers/gateway.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { demoJwtClientYaml, validToken } from '../helpers/tokens.js';

const bearer = async (options: Parameters<typeof validToken>[0] = {}) => ({
  authorization: `Bearer ${await validToken(options)}`,
});
const PARTNER = { 'x-api-key': 'demo-partner-key' };

/** The single error with this code; fails when there is not exactly one. */
function onlyError(body: GqlBody, code: string): GqlError {
  const errors = errorsWithCode(body, code);
  assert.equal(errors.length, 1, `one ${code} error expected: ${JSON.stringify(body)}`);
  assert.equal(body.errors?.length, 1, `no other error expected: ${JSON.stringify(body.errors)}`);
  return errors[0]!;
}

describe('authorization directives on the demo clients', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());
  beforeEach(() => stack.demo.resetCounters());

  describe('mobile: Home.recentOrders needs orders:read', () => {
    it('without the scope: recentOrders is null with FORBIDDEN at its path, me.name is there, no ListOrdersByUser call', async () => {
      const res = await stack.gql('mobile', '{ home { me { name } recentOrders { id } } }', {
        headers: await bearer({ sub: 'u1', scope: 'catalog:read' }),
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.data, { home: { me: { name: userById('u1')?.name }, recentOrders: null } });
      const error = onlyError(res.body, 'FORBIDDEN');
      assert.deepEqual(error.path, ['home', 'recentOrders']);
      assert.match(error.message, /Home\.recentOrders/);
      assert.equal(stack.demo.orders.calls.count('ListOrdersByUser'), 0);
      assert.equal(stack.demo.orders.calls.total(), 0);
      assert.equal(stack.demo.users.calls.count('GET /users/{id}'), 1, 'the allowed part was fetched');
    });

    it('with the scope: recentOrders is fetched', async () => {
      const res = await stack.gql('mobile', '{ home { me { name } recentOrders(last: 3) { id } } }', {
        headers: await bearer({ sub: 'u1', scope: 'orders:read' }),
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.errors, undefined, res.text);
      const home = res.body.data?.['home'] as { recentOrders: { id: string }[] };
      assert.equal(home.recentOrders.length, 3, res.text);
      const mine = new Set(ordersOfUser('u1').map((o) => o.id));
      assert.ok(
        home.recentOrders.every((o) => mine.has(o.id)),
        res.text,
      );
      assert.equal(stack.demo.orders.calls.count('ListOrdersByUser'), 1);
    });

    it('a scope list is matched exactly: "orders:read:all" or "ORDERS:READ" is not "orders:read"', async () => {
      for (const scope of ['orders:read:all', 'ORDERS:READ', 'orders:rea', 'orders']) {
        const res = await stack.gql('mobile', '{ home { recentOrders { id } } }', { headers: await bearer({ scope }) });
        assert.deepEqual(res.body.data, { home: { recentOrders: null } }, `${scope}: ${res.text}`);
        onlyError(res.body, 'FORBIDDEN');
      }
      assert.equal(stack.demo.orders.calls.total(), 0);
    });

    it('the scope also counts when given as an array in the scp claim', async () => {
      const res = await stack.gql('mobile', '{ home { recentOrders(last: 1) { id } } }', {
        headers: await bearer({ claims: { scp: ['orders:read'] } }),
      });
      assert.equal(res.body.errors, undefined, res.text);
      assert.equal((res.body.data!['home'] as { recentOrders: unknown[] }).recentOrders.length, 1);
    });

    it('refused inside a named fragment and under an alias: null at the aliased path, no backend call', async () => {
      const query = `query { home { ...H } } fragment H on Home { me { name } mine: recentOrders { id } }`;
      const res = await stack.gql('mobile', query, { headers: await bearer({ sub: 'u2' }) });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.data, { home: { me: { name: userById('u2')?.name }, mine: null } });
      assert.deepEqual(onlyError(res.body, 'FORBIDDEN').path, ['home', 'mine']);
      assert.equal(stack.demo.orders.calls.total(), 0);
    });

    it('refused inside an inline fragment, twice under two aliases: one error per alias', async () => {
      const query = `{ home { ... on Home { a: recentOrders(last: 1) { id } b: recentOrders(last: 2) { id } } me { id } } }`;
      const res = await stack.gql('mobile', query, { headers: await bearer({ sub: 'u3' }) });
      assert.deepEqual(res.body.data, { home: { a: null, b: null, me: { id: 'u3' } } }, res.text);
      const paths = errorsWithCode(res.body, 'FORBIDDEN')
        .map((e) => e.path)
        .sort();
      assert.deepEqual(paths, [
        ['home', 'a'],
        ['home', 'b'],
      ]);
      assert.equal(stack.demo.orders.calls.total(), 0);
    });

    it('refused through a fragment spread whose variable-driven argument would differ: still no call', async () => {
      const query = `query Q($n: Int) { home { ...R } } fragment R on Home { recentOrders(last: $n) { id } }`;
      const res = await stack.gql('mobile', query, { headers: await bearer(), variables: { n: 5 } });
      assert.deepEqual(res.body.data, { home: { recentOrders: null } }, res.text);
      assert.equal(stack.demo.orders.calls.total(), 0);
    });
  });

  describe('web: User.paymentMethods needs payments:read; Order (the type) needs orders:read', () => {
    it('without payments:read: paymentMethods null with FORBIDDEN, the user is there, no payment-methods call', async () => {
      const res = await stack.gql('web', '{ me { name paymentMethods { brand } } }', {
        headers: await bearer({ sub: 'u1', scope: 'orders:read' }),
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.data, { me: { name: userById('u1')?.name, paymentMethods: null } });
      assert.deepEqual(onlyError(res.body, 'FORBIDDEN').path, ['me', 'paymentMethods']);
      assert.equal(stack.demo.users.calls.count('GET /users/{id}/payment-methods'), 0);
    });

    it('with payments:read: the payment methods', async () => {
      const res = await stack.gql('web', '{ me { paymentMethods { brand last4 } } }', {
        headers: await bearer({ sub: 'u1', scope: 'payments:read' }),
      });
      assert.equal(res.body.errors, undefined, res.text);
      assert.ok(paymentMethodsOf('u1').length > 0, 'demo user u1 has payment methods');
      assert.deepEqual(res.body.data, {
        me: { paymentMethods: paymentMethodsOf('u1').map((p) => ({ brand: p.brand, last4: p.last4 })) },
      });
      assert.equal(stack.demo.users.calls.count('GET /users/{id}/payment-methods'), 1);
    });

    it('a type-level policy guards every field returning the type: me.orders without orders:read → FORBIDDEN, no orders call', async () => {
      const res = await stack.gql('web', '{ me { id orders(last: 2) { id } } }', {
        headers: await bearer({ sub: 'u1', scope: 'payments:read' }),
      });
      assert.deepEqual(res.body.data, { me: { id: 'u1', orders: null } }, res.text);
      assert.deepEqual(onlyError(res.body, 'FORBIDDEN').path, ['me', 'orders']);
      assert.equal(stack.demo.orders.calls.total(), 0);
    });

    it('web me is @authenticated: a scope-less token is enough', async () => {
      const res = await stack.gql('web', '{ me { id } }', { headers: await bearer({ sub: 'u7' }) });
      assert.deepEqual(res.body, { data: { me: { id: 'u7' } } });
    });

    it('a mutation field without its scope is not executed: placeOrder without orders:write → FORBIDDEN, no CreateOrder call', async () => {
      const res = await stack.gql('web', 'mutation { placeOrder(items: [{ productId: "p1", quantity: 1 }]) { id } }', {
        headers: await bearer({ scope: 'orders:read' }),
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.data, { placeOrder: null });
      assert.deepEqual(onlyError(res.body, 'FORBIDDEN').path, ['placeOrder']);
      assert.equal(stack.demo.orders.calls.count('CreateOrder'), 0);
    });
  });

  describe('partner: Order.buyer needs the support role (the demo key has none)', () => {
    it('order.id is there, buyer is null with FORBIDDEN, the users backend is not called', async () => {
      const order = orderById('o1');
      assert.ok(order);
      const res = await stack.gql('partner', '{ order(id: "o1") { id status buyer { name } } }', { headers: PARTNER });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.data, { order: { id: 'o1', status: order.status, buyer: null } });
      const error = onlyError(res.body, 'FORBIDDEN');
      assert.deepEqual(error.path, ['order', 'buyer']);
      assert.match(error.message, /Order\.buyer/);
      assert.equal(stack.demo.users.calls.total(), 0);
      assert.equal(stack.demo.orders.calls.count('GetOrder'), 1);
    });

    it('through a list: one FORBIDDEN per list item with its index in the path', async () => {
      const res = await stack.gql(
        'partner',
        '{ user(id: "u1") { orderHistory(first: 3) { nodes { id buyer { id } } } } }',
        { headers: PARTNER },
      );
      assert.equal(res.status, 200, res.text);
      const nodes = (res.body.data!['user'] as { orderHistory: { nodes: { id: string; buyer: unknown }[] } })
        .orderHistory.nodes;
      assert.equal(nodes.length, 3, res.text);
      assert.deepEqual(
        nodes.map((n) => n.buyer),
        [null, null, null],
      );
      const paths = errorsWithCode(res.body, 'FORBIDDEN').map((e) => e.path);
      assert.deepEqual(
        paths,
        [0, 1, 2].map((i) => ['user', 'orderHistory', 'nodes', i, 'buyer']),
      );
      assert.equal(stack.demo.users.calls.count('GET /users'), 0, 'no batch lookup of the buyers');
    });
  });
});

describe('authorization directives on a fixture client (OR of ANDs, roles, anonymous callers)', () => {
  let fixture: FixtureConfig;
  let stack: Stack;

  before(async () => {
    fixture = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: {
        shop: {
          yaml: demoJwtClientYaml({ required: false }),
          schema: [
            'type Query {',
            '  product(id: ID!): Product',
            '  "catalog:read AND catalog:write, OR admin"',
            '  guarded(id: ID!): Product @requiresScopes(scopes: [["catalog:read", "catalog:write"], ["admin"]]) @from(query: "product", args: { id: "{args.id}" })',
            '  signedIn(id: ID!): Product @authenticated @from(query: "product", args: { id: "{args.id}" })',
            '}',
            'type Product {',
            '  id: ID!',
            '  name: String!',
            '  "support OR admin"',
            '  stock: Stock @requiresRole(roles: ["support", "admin"])',
            '}',
            'type Stock { available: Int! }',
          ].join('\n'),
        },
      },
    });
    stack = await startStack({ dir: fixture.dir });
  });
  after(async () => {
    await stack?.close();
    fixture?.cleanup();
  });
  beforeEach(() => stack.demo.resetCounters());

  const gql = (query: string, headers: Record<string, string> = {}) => stack.gql('shop', query, { headers });

  const p3 = { id: 'p3', name: productById('p3')?.name };
  const cases: Array<[string, string | undefined, boolean]> = [
    ['catalog:read + catalog:write (first AND list)', 'catalog:read catalog:write', true],
    ['admin (second list)', 'admin', true],
    ['admin among others', 'other admin', true],
    ['catalog:read only (half of the first list)', 'catalog:read', false],
    ['catalog:write only', 'catalog:write', false],
    ['no scope', undefined, false],
  ];
  for (const [what, scope, allowed] of cases) {
    it(`@requiresScopes [[read, write], [admin]] with ${what} → ${allowed ? 'allowed' : 'FORBIDDEN'}`, async () => {
      const res = await gql(
        '{ guarded(id: "p3") { id name } product(id: "p4") { id } }',
        await bearer(scope === undefined ? {} : { scope }),
      );
      assert.equal(res.status, 200, res.text);
      if (allowed) {
        assert.deepEqual(res.body, { data: { guarded: p3, product: { id: 'p4' } } });
        assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 2);
      } else {
        assert.deepEqual(res.body.data, { guarded: null, product: { id: 'p4' } });
        assert.deepEqual(onlyError(res.body, 'FORBIDDEN').path, ['guarded']);
        assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 1, 'only the allowed field was fetched');
      }
    });
  }

  for (const [roles, allowed] of [
    [['support'], true],
    [['admin'], true],
    [['viewer', 'admin'], true],
    [['viewer'], false],
    [[], false],
  ] as const) {
    it(`@requiresRole [support, admin] with roles ${JSON.stringify(roles)} → ${allowed ? 'allowed' : 'FORBIDDEN'}`, async () => {
      const res = await gql('{ product(id: "p3") { id stock { available } } }', await bearer({ roles: [...roles] }));
      assert.equal(res.status, 200, res.text);
      if (allowed) {
        assert.equal(res.body.errors, undefined, res.text);
        assert.deepEqual(res.body.data, { product: { id: 'p3', stock: { available: stockOf('p3')?.available } } });
        assert.equal(stack.demo.catalog.calls.count('GET /products/{id}/stock'), 1);
      } else {
        assert.deepEqual(res.body.data, { product: { id: 'p3', stock: null } });
        assert.deepEqual(onlyError(res.body, 'FORBIDDEN').path, ['product', 'stock']);
        assert.equal(stack.demo.catalog.calls.count('GET /products/{id}/stock'), 0);
      }
    });
  }

  it('a role is not a scope: scope "support" does not satisfy @requiresRole', async () => {
    const res = await gql('{ product(id: "p3") { stock { available } } }', await bearer({ scope: 'support admin' }));
    assert.deepEqual(res.body.data, { product: { stock: null } }, res.text);
    onlyError(res.body, 'FORBIDDEN');
  });

  it('an anonymous caller (auth not required) gets UNAUTHENTICATED on every guarded field; public fields still answer', async () => {
    const res = await gql(
      '{ product(id: "p3") { id stock { available } } guarded(id: "p3") { id } signedIn(id: "p3") { id } }',
    );
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, { product: { id: 'p3', stock: null }, guarded: null, signedIn: null });
    const paths = errorsWithCode(res.body, 'UNAUTHENTICATED')
      .map((e) => e.path)
      .sort();
    assert.deepEqual(paths, [['guarded'], ['product', 'stock'], ['signedIn']]);
    assert.equal(res.body.errors?.length, 3);
    assert.equal(stack.demo.catalog.calls.count('GET /products/{id}'), 1);
    assert.equal(stack.demo.catalog.calls.count('GET /products/{id}/stock'), 0);
  });

  it('@authenticated lets any signed-in caller through', async () => {
    const res = await gql('{ signedIn(id: "p3") { id name } }', await bearer());
    assert.deepEqual(res.body, { data: { signedIn: p3 } });
  });
});
