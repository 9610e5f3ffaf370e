// Delegation (FACET_EXECUTOR=delegation, and the planner's fallback) answers fragments that always
// apply as graphql-js defines them. graphql-tools used to fail the whole request ("Unexpected
// error", data null) when such a fragment held nothing but __typename; the documents it runs now
// have those fragments' selections in their place (stitching/use-delegation-document.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PARTNER_KEY, startStack, type Stack } from '../helpers/gateway.js';

const partner = { 'x-api-key': PARTNER_KEY };

describe('fragments that always apply, through delegation', () => {
  let delegation: Stack;
  let planner: Stack;
  before(async () => {
    delegation = await startStack({ env: { FACET_EXECUTOR: 'delegation' } });
    planner = await startStack({ demo: delegation.demo, env: { FACET_EXECUTOR: 'planner' } });
  });
  after(async () => {
    await planner?.close();
    await delegation?.close();
  });

  const cases: Array<[string, string, unknown]> = [
    [
      'an inline fragment without a type',
      '{ order(id: "o25") { ... { __typename } } }',
      { order: { __typename: 'Order' } },
    ],
    [
      "an inline fragment on the field's own type, aliased",
      '{ order(id: "o25") { ... on Order { t: __typename } } }',
      { order: { t: 'Order' } },
    ],
    [
      'a named fragment holding only __typename',
      'query { order(id: "o25") { ...T } } fragment T on Order { __typename }',
      { order: { __typename: 'Order' } },
    ],
    [
      'on an entity of another source, next to a skipped field',
      '{ order(id: "o25") { items { product { ... { __typename } name @skip(if: true) } } } }',
      undefined,
    ],
    [
      'nested fragments and a condition that keeps them',
      'query Q($on: Boolean = true) { order(id: "o25") { ... { ... on Order { id @include(if: $on) } ... { __typename } } } }',
      { order: { id: 'o25', __typename: 'Order' } },
    ],
  ];

  for (const [what, query, expected] of cases) {
    it(`${what}: answered, and the same as the planner's answer`, async () => {
      const viaDelegation = await delegation.gql('partner', query, { headers: partner });
      const viaPlanner = await planner.gql('partner', query, { headers: partner });
      assert.equal(viaDelegation.status, 200, viaDelegation.text);
      assert.equal(viaDelegation.body.errors, undefined, viaDelegation.text);
      if (expected !== undefined) assert.deepEqual(viaDelegation.body.data, expected);
      assert.equal(viaDelegation.text, viaPlanner.text);
    });
  }

  it('the items of a list answer each with its own __typename', async () => {
    const res = await delegation.gql('partner', '{ order(id: "o25") { items { product { ... { __typename } } } } }', {
      headers: partner,
    });
    const items = (res.body.data as { order: { items: Array<{ product: unknown }> } }).order.items;
    assert.ok(items.length > 0, res.text);
    for (const item of items) assert.deepEqual(item.product, { __typename: 'Product' });
  });
});
