// {root.…} in client @from fields: `viewer(id: ID!): Viewer` hands its arguments to its fields, a
// group inside a group also sees the enclosing group's arguments, a @from on a graph type reads the
// parent's fields (fetched for it), and `facet check` refuses a {root.…} that nothing provides.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { orderById, ordersOfUser, userById } from '../../demo/data.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';
import { startStack, type Stack } from '../helpers/gateway.js';
import { runCli } from '../helpers/run-cli.js';

const sources = ['users.graphql', 'orders.graphql', 'orders.proto', 'catalog.graphql'];

const groupsSchema = /* GraphQL */ `
type Query {
  viewer(id: ID!): Viewer
  account(userId: ID!): Account
}
type Viewer {
  user: User @from(query: "user", args: { id: "{root.id}" })
}
type Account {
  profile: User @from(query: "user", args: { id: "{root.userId}" })
  orders(last: Int = 2): OrdersPage
}
type OrdersPage {
  owner: User @from(query: "user", args: { id: "{root.userId}" })
  recent: [Order!] @from(query: "ordersOfUser", args: { userId: "{root.userId}", last: "{root.last}" })
}
type User { id: ID! name: String! }
type Order { id: ID! }
`;

/** @from fields on projected (graph) types, reading the parent with {root.…}. */
const projectedSchema = /* GraphQL */ `
type Query { user(id: ID!): User  order(id: ID!): Order }
type User {
  id: ID!
  name: String!
  latestOrder: [Order!] @from(query: "ordersOfUser", args: { userId: "{root.id}", last: 1 })
}
type Order { id: ID! buyer: User! }
`;

describe('client-only group arguments', () => {
  let config: FixtureConfig;
  let stack: Stack;
  before(async () => {
    config = createFixtureConfig({
      sources,
      clients: { app: { schema: groupsSchema }, projected: { schema: projectedSchema } },
    });
    stack = await startStack({ dir: config.dir });
  });
  after(async () => {
    await stack?.close();
    config?.cleanup();
  });

  it("a group's fields read the group's arguments as {root.<arg>}", async () => {
    const res = await stack.gql('app', '{ viewer(id: "u2") { user { id name } } }');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, { viewer: { user: { id: 'u2', name: userById('u2')?.name } } });
  });

  it("a group inside a group sees its own arguments and the enclosing group's", async () => {
    const res = await stack.gql(
      'app',
      '{ account(userId: "u1") { profile { id } orders(last: 1) { owner { id } recent { id } } } }',
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, {
      account: {
        profile: { id: 'u1' },
        orders: {
          owner: { id: 'u1' },
          recent: ordersOfUser('u1')
            .slice(0, 1)
            .map((o) => ({ id: o.id })),
        },
      },
    });
  });

  it("a nested group's argument default applies when the query omits it", async () => {
    const res = await stack.gql('app', '{ account(userId: "u1") { orders { recent { id } } } }');
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, {
      account: {
        orders: {
          recent: ordersOfUser('u1')
            .slice(0, 2)
            .map((o) => ({ id: o.id })),
        },
      },
    });
  });

  it('a @from on a graph type gets the parent field it reads even when the query does not select it', async () => {
    const res = await stack.gql('projected', '{ user(id: "u1") { latestOrder { id } } }');
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, {
      user: {
        latestOrder: ordersOfUser('u1')
          .slice(0, 1)
          .map((o) => ({ id: o.id })),
      },
    });
  });

  it('the same through an entity reference whose only selected field is the @from field', async () => {
    const buyer = orderById('o1')?.user_id;
    assert.ok(buyer);
    const res = await stack.gql('projected', '{ order(id: "o1") { buyer { latestOrder { id } } } }');
    assert.equal(res.body.errors, undefined, res.text);
    assert.deepEqual(res.body.data, {
      order: {
        buyer: {
          latestOrder: ordersOfUser(buyer)
            .slice(0, 1)
            .map((o) => ({ id: o.id })),
        },
      },
    });
  });
});

describe('facet check: {root.…} in a client @from', () => {
  const schema = /* GraphQL */ `
type Query {
  viewer(id: ID!): Viewer
  me: User @from(query: "user", args: { id: "{root.id}" })
}
type Viewer {
  user: User @from(query: "user", args: { id: "{root.userId}" })
}
type User {
  id: ID!
  friend: User @from(query: "user", args: { id: "{root.friendId}" })
  byName: User @from(query: "user", args: { id: "{root.name.first}" })
  byCard: User @from(query: "user", args: { id: "{root.paymentMethods}" })
}
`;
  let config: FixtureConfig;
  let stderr = '';
  let code: number | null = null;
  before(async () => {
    config = createFixtureConfig({ sources: ['users.graphql'], clients: { app: { schema } } });
    ({ stderr, code } = await runCli(['check', '--dir', config.dir]));
  });
  after(() => config?.cleanup());

  it('refuses {root.x} in a group when x is not an argument of the group, naming the arguments it has', () => {
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      /clients\/app\/schema\.graphql:7 \(Viewer\.user\): @from uses \{root\.userId\} but Viewer is a client-only group: its \{root\.…\} are the arguments of the fields returning it \(id\).*add an argument "userId"/,
    );
  });

  it('refuses {root.x} on a graph type when x is not a field of that type in the graph', () => {
    assert.match(
      stderr,
      /clients\/app\/schema\.graphql:11 \(User\.friend\): @from uses \{root\.friendId\} but User has no field "friendId" in the graph/,
    );
  });

  it('refuses a {root.…} path that does not end in a value of the graph', () => {
    assert.match(
      stderr,
      /clients\/app\/schema\.graphql:12 \(User\.byName\): @from uses \{root\.name\.first\} but name is a String, which has no field "first"/,
    );
    assert.match(
      stderr,
      /clients\/app\/schema\.graphql:13 \(User\.byCard\): @from uses \{root\.paymentMethods\}, which is a list of PaymentMethod objects/,
    );
  });

  it('refuses {root.…} on a root field: it has no parent', () => {
    assert.match(
      stderr,
      /clients\/app\/schema\.graphql:4 \(Query\.me\): @from uses \{root\.id\} but Query fields have no parent; use \{args\.…\} or \{identity\.…\}/,
    );
  });
});
