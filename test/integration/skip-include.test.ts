// @skip/@include answer as graphql-js defines them, also when the same field is selected twice
// and only one selection carries the condition (delegation used to drop the field then), and a
// failed delegated field's error points at its place in the client's document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userById } from '../../demo/data.js';
import { asUser, startStack, type Stack } from '../helpers/gateway.js';

describe('@skip and @include', () => {
  let stack: Stack;
  let U1: Record<string, string>;
  before(async () => {
    stack = await startStack();
    U1 = await asUser('u1');
  });
  after(() => stack?.close());

  const ME_TWICE = `query Q($hide: Boolean!) {
    home { me { name @skip(if: $hide) id } }
    ... on Query { home { me { name } } }
  }`;

  it('a field skipped in one selection and selected plainly in another is answered', async () => {
    for (const hide of [true, false]) {
      const res = await stack.gql('mobile', ME_TWICE, { headers: U1, variables: { hide } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.errors, undefined, res.text);
      assert.deepEqual(res.body.data, { home: { me: { name: userById('u1')?.name, id: 'u1' } } });
    }
  });

  it('a skipped field is left out, an included one kept, with literals and variables (defaults too)', async () => {
    const query = `query Q($show: Boolean = false) {
      home { me { id name @include(if: $show) tier @skip(if: true) } }
    }`;
    const hidden = await stack.gql('mobile', query, { headers: U1 });
    assert.deepEqual(hidden.body.data, { home: { me: { id: 'u1' } } }, hidden.text);
    const shown = await stack.gql('mobile', query, { headers: U1, variables: { show: true } });
    assert.deepEqual(shown.body.data, { home: { me: { id: 'u1', name: userById('u1')?.name } } }, shown.text);
  });

  it('every field of a selection skipped: the object is answered empty, as graphql-js does; an emptied fragment is dropped', async () => {
    const query = `query Q($c: Boolean = false) {
      home { me { tier @skip(if: true) } recentOrders { id @include(if: $c) } }
      ... on Query { home { recentOrders { id } } }
      ... on Query { home { me @include(if: $c) { name } } }
    }`;
    const res = await stack.gql('mobile', query, { headers: U1 });
    assert.equal(res.body.errors, undefined, res.text);
    const home = (res.body.data as { home: { me: object; recentOrders: { id: string }[] } }).home;
    assert.deepEqual(home.me, {});
    assert.ok(home.recentOrders.length > 0 && home.recentOrders.every((o) => typeof o.id === 'string'), res.text);
  });

  it('a list field included in one fragment and excluded in another keeps its items', async () => {
    const query = `query Q($all: Boolean!) {
      searchProducts(query: "a", limit: 2) { items @include(if: $all) { name description } total }
      ... on Query { searchProducts(query: "a", limit: 2) { items { name } } }
    }`;
    const res = await stack.gql('web', query, { headers: U1, variables: { all: false } });
    assert.equal(res.body.errors, undefined, res.text);
    const result = (res.body.data as { searchProducts: { items: Record<string, unknown>[]; total: number } })
      .searchProducts;
    assert.equal(result.items.length, 2, res.text);
    assert.deepEqual(Object.keys(result.items[0]!), ['name']);
  });
});

describe('errors of delegated fields', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  it('carry the locations of the field in the client document', async () => {
    stack.demo.catalog.setFault('error');
    try {
      const res = await stack.gql('web', '{\n  product(id: "p1") { name }\n}', { headers: await asUser('u1') });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        res.body.errors?.map((e) => ({
          path: e.path,
          locations: (e as { locations?: unknown }).locations,
          code: e.extensions?.code,
        })),
        [{ path: ['product'], locations: [{ line: 2, column: 3 }], code: 'UPSTREAM_ERROR' }],
      );
    } finally {
      stack.demo.catalog.setFault(null);
    }
  });
});
