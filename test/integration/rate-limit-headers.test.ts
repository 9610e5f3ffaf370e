// What a refused client is told to wait: Retry-After and RateLimit-Reset agree (one rounding) and
// never exceed the window, for request quotas and for @rateLimit fields refused in the REST facade.
// Memory store (no REDIS_URL), so runs never share counts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStack, asPartner, type Stack } from '../helpers/gateway.js';
import { createFixtureConfig, type FixtureConfig } from '../helpers/fixture-config.js';

describe('quota 429: Retry-After and RateLimit-Reset', () => {
  let fixture: FixtureConfig;
  let stack: Stack;
  before(async () => {
    fixture = createFixtureConfig({
      sources: ['catalog.graphql'],
      clients: {
        shop: {
          yaml: 'quotas:\n  perCaller:\n    - { max: 3, window: 2s }\n',
          schema: 'type Query { product(id: ID!): Product }\ntype Product { id: ID! }\n',
        },
      },
    });
    stack = await startStack({ dir: fixture.dir, env: { REDIS_URL: '' } });
  });
  after(async () => {
    await stack?.close();
    fixture?.cleanup();
  });

  it('give the same wait, at most the 2 s window, also when the quota went in the first moments of a window', async () => {
    // Start of a 2 s window: the sliding-window counter's exact wait is then ~2.6 s, beyond the window.
    const into = Date.now() % 2000;
    if (into > 100) await sleep(2000 - into + 5);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await stack.gql('shop', '{ __typename }'));
    for (const res of answers.slice(0, 3)) {
      assert.equal(res.status, 200, res.text);
      const reset = Number(res.headers.get('ratelimit-reset'));
      assert.ok(reset >= 1 && reset <= 2, `RateLimit-Reset ${reset} within the window`);
    }
    const refused = answers[3]!;
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.headers.get('ratelimit-policy'), '3;w=2');
    assert.equal(refused.headers.get('retry-after'), '2');
    assert.equal(refused.headers.get('ratelimit-reset'), refused.headers.get('retry-after'));
    assert.equal(refused.body.errors?.[0]?.extensions?.['retryAfter'], 2);
  });
});

describe('@rateLimit field refused in the REST facade (partner search: 20 a minute per API key)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { REDIS_URL: '' } });
  });
  after(() => stack?.close());

  it('429 carries Retry-After within the window, and no RateLimit-Reset of the request quota that contradicts it', async () => {
    let res: Response | undefined;
    for (let i = 0; i < 21; i++) {
      res = await fetch(`${stack.url}/partner/v2/products/search?q=lamp`, { headers: asPartner() });
      if (i < 20) assert.equal(res.status, 200, await res.text());
    }
    const body = (await res!.json()) as { code: string };
    assert.equal(res!.status, 429);
    assert.equal(body.code, 'RATE_LIMITED');
    const retryAfter = Number(res!.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    const reset = res!.headers.get('ratelimit-reset');
    assert.ok(reset === null || reset === String(retryAfter), `RateLimit-Reset ${reset} vs Retry-After ${retryAfter}`);
    assert.notEqual(
      res!.headers.get('ratelimit-remaining'),
      '79',
      'the request quota (which had room) does not speak for the field limit',
    );
  });
});
