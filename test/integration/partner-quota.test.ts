// The demo partner key is on plan "basic" (100 requests a minute): 100 requests are answered with a
// decreasing RateLimit-Remaining, the 101st is refused with 429, Retry-After and RATE_LIMITED.
// Memory store (no REDIS_URL), so runs never share counts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type GqlResponse, type Stack } from '../helpers/gateway.js';
import { awayFromWindowEdge } from '../helpers/fixture-config.js';

const PARTNER = { 'x-api-key': 'demo-partner-key' };

describe('partner quota: plan basic, 100 per minute', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { REDIS_URL: '' } });
  });
  after(() => stack?.close());

  it('100 requests succeed with RateLimit-Remaining 99 … 0; the 101st → 429 RATE_LIMITED with Retry-After', async () => {
    await awayFromWindowEdge(60_000, 5000); // 100 sequential requests must stay inside one window
    const answers: GqlResponse[] = [];
    for (let i = 0; i < 100; i++) answers.push(await stack.gql('partner', '{ __typename }', { headers: PARTNER }));
    for (const [i, res] of answers.entries()) {
      assert.equal(res.status, 200, `request ${i + 1}: ${res.text}`);
      assert.deepEqual(res.body, { data: { __typename: 'Query' } });
      assert.equal(res.headers.get('ratelimit-limit'), '100', 'the tightest rule is the minute one');
      assert.equal(res.headers.get('ratelimit-policy'), '100;w=60');
      const reset = Number(res.headers.get('ratelimit-reset'));
      assert.ok(
        Number.isInteger(reset) && reset > 0 && reset <= 120,
        `RateLimit-Reset ${res.headers.get('ratelimit-reset')}`,
      );
    }
    const remaining = answers.map((r) => Number(r.headers.get('ratelimit-remaining')));
    assert.deepEqual(
      remaining,
      Array.from({ length: 100 }, (_, i) => 99 - i),
    );

    const before = stack.demo.catalog.calls.total();
    const refused = await stack.gql('partner', '{ product(id: "p1") { id } }', { headers: PARTNER });
    assert.equal(refused.status, 429, refused.text);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 120,
      `Retry-After ${refused.headers.get('retry-after')}`,
    );
    assert.equal(refused.headers.get('ratelimit-remaining'), '0');
    assert.equal(refused.body.data, undefined);
    assert.equal(refused.body.errors?.length, 1);
    assert.equal(refused.body.errors[0]!.extensions?.code, 'RATE_LIMITED', refused.text);
    assert.equal(refused.body.errors[0]!.extensions?.['retryAfter'], retryAfter);
    assert.equal(stack.demo.catalog.calls.total(), before, 'a refused request reaches no backend');
  });

  it('while over quota every request is refused (429 with Retry-After)', async () => {
    const res = await stack.gql('partner', '{ __typename }', { headers: PARTNER });
    assert.equal(res.status, 429, res.text);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  });

  it("a bad key is refused with 401 before the quota (no 429 for someone else's budget)", async () => {
    const res = await stack.gql('partner', '{ __typename }', { headers: { 'x-api-key': 'demo-revoked-key' } });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.headers.get('retry-after'), null);
  });
});
