// Fields that call the same backend request in one GraphQL request share one upstream call, and
// each still reads its own value out of the answer (its own `result` / `response` path).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { json } from '../../demo/rest/http-server.js';
import { ordersOfUser } from '../../demo/data.js';
import { startCustomBackendStack, type CustomBackendStack } from '../helpers/custom-backend.js';
import { asUser, startStack, type Stack } from '../helpers/gateway.js';

const ACCOUNTS: Record<string, { id: string; display_name: string; plan: string }> = {
  a1: { id: 'a1', display_name: 'Ada', plan: 'gold' },
};

const accountsSource = /* GraphQL */ `
extend schema @source(name: "accounts", protocol: REST, url: "\${BACKEND_URL}")

type Team {
  id: ID!
  ownerId: ID! @map(from: "owner_id")
  ownerName: String @http(GET: "/accounts/{root.owner_id}", result: "display_name")
  ownerPlan: String @http(GET: "/accounts/{root.owner_id}", result: "plan")
}

type Query {
  team(id: ID!): Team @http(GET: "/teams/{args.id}")
  accountName(id: ID!): String @http(GET: "/accounts/{args.id}", result: "display_name")
  accountPlan(id: ID!): String @http(GET: "/accounts/{args.id}", result: "plan")
  accountNameFr(id: ID!): String @http(GET: "/accounts/{args.id}", headers: { accept_language: "fr" }, result: "display_name")
}
`;

describe('REST: fields sharing one request URL with different result paths', () => {
  let app: CustomBackendStack;
  before(async () => {
    app = await startCustomBackendStack({
      routes: [
        {
          method: 'GET',
          path: '/accounts/{id}',
          handle: (req) =>
            ACCOUNTS[req.params['id'] ?? ''] ? json(200, ACCOUNTS[req.params['id'] ?? '']) : json(404, {}),
        },
        { method: 'GET', path: '/teams/{id}', handle: (req) => json(200, { id: req.params['id'], owner_id: 'a1' }) },
      ],
      sourceFiles: { 'accounts.graphql': accountsSource },
      clientSchema:
        'type Query { team(id: ID!): Team accountName(id: ID!): String accountPlan(id: ID!): String accountNameFr(id: ID!): String }\ntype Team { id: ID! ownerName: String ownerPlan: String }',
    });
  });
  after(() => app.close());
  beforeEach(() => app.backend.calls.reset());

  it('root fields each get their own result path out of one GET /accounts/{id}', async () => {
    const res = await app.query('{ accountName(id: "a1") accountPlan(id: "a1") }');
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, { accountName: 'Ada', accountPlan: 'gold' });
    assert.equal(app.backend.calls.count('GET /accounts/{id}'), 1);
  });

  it('entity fields each get their own result path out of one GET /accounts/{id}', async () => {
    const res = await app.query('{ team(id: "t1") { ownerPlan ownerName } }');
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, { team: { ownerPlan: 'gold', ownerName: 'Ada' } });
    assert.equal(app.backend.calls.count('GET /accounts/{id}'), 1);
  });

  it('a field with its own call headers (accept-language) is a different call', async () => {
    const res = await app.query('{ accountName(id: "a1") accountNameFr(id: "a1") }');
    assert.equal(res.body.errors, undefined, res.text);
    assert.equal(app.backend.calls.count('GET /accounts/{id}'), 2);
  });

  it('different ids stay different calls', async () => {
    const res = await app.query('{ accountName(id: "a1") other: accountPlan(id: "a2") }');
    assert.deepEqual(res.body.data, { accountName: 'Ada', other: null });
    assert.equal(app.backend.calls.count('GET /accounts/{id}'), 2);
  });
});

describe('gRPC: fields sharing one rpc message with different response paths', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('User.orders (response: "orders") and User.orderHistory (whole message) make one ListOrdersByUser call and each read their part', async () => {
    stack.demo.resetCounters();
    const res = await stack.gql(
      'web',
      '{ me { orders(last: 3) { id } orderHistory(first: 3) { nodes { id } totalCount } } }',
      { headers: await asUser('u1') },
    );
    assert.equal(res.body.errors, undefined, res.text);
    const ids = ordersOfUser('u1')
      .slice(0, 3)
      .map((o) => ({ id: o.id }));
    assert.deepEqual(res.body.data, {
      me: { orders: ids, orderHistory: { nodes: ids, totalCount: ordersOfUser('u1').length } },
    });
    assert.equal(stack.demo.orders.calls.count('ListOrdersByUser'), 1);
  });
});
