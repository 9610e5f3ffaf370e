import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import type { Identity } from '../../src/auth/index.js';
import {
  createMemoryStore,
  withFailPolicy,
  RateLimitStoreError,
  type RateLimitStore,
} from '../../src/directives/rate-limit/index.js';
import { createQuotaChecker } from '../../src/directives/rate-limit/quotas.js';
import { createFieldRateLimitDecider } from '../../src/directives/rate-limit/field-limits.js';
import { quotasSchema } from '../../src/directives/rate-limit/limit-rule.js';
import type { RateLimitSpec } from '../../src/directives/rate-limit/sdl.js';
import type { GatewayContext } from '../../src/server/context.js';

const user = (userId: string): Identity => ({ userId, scopes: [], method: 'jwt' });

/** Counts the store calls a decision makes. */
function counting(store: RateLimitStore): RateLimitStore & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    consume: (...args) => {
      calls.push('consume');
      return store.consume(...args);
    },
    consumeAll: (checks) => {
      calls.push(`consumeAll(${checks.length})`);
      return store.consumeAll(checks);
    },
    consumeEach: (checks) => {
      calls.push(`consumeEach(${checks.length})`);
      return store.consumeEach(checks);
    },
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

const down: RateLimitStore = {
  consume: () => Promise.reject(new RateLimitStoreError('down')),
  consumeAll: () => Promise.reject(new RateLimitStoreError('down')),
  consumeEach: () => Promise.reject(new RateLimitStoreError('down')),
  ping: () => Promise.reject(new RateLimitStoreError('down')),
  close: async () => {},
};

describe('request quotas', () => {
  it('checks every rule of a request in one store call', async () => {
    const store = counting(createMemoryStore());
    const check = createQuotaChecker(
      'c',
      quotasSchema.parse({
        total: [{ max: 100, window: '1m' }],
        perCaller: [
          { max: 10, window: '1m' },
          { max: 50, window: '1h' },
        ],
      }),
      quotasSchema.parse({ total: [{ max: 1000, window: '1m' }] }).total,
      store,
    )!;
    await check(user('a'), '10.0.0.1');
    assert.deepEqual(store.calls, ['consumeAll(4)']);
  });

  it('a refused request spends nothing on the other rules (all or nothing)', async () => {
    const check = createQuotaChecker(
      'c',
      quotasSchema.parse({ total: [{ max: 5, window: '1m' }], perCaller: [{ max: 3, window: '1m' }] }),
      [],
      createMemoryStore(),
    )!;
    const a = [];
    for (let i = 0; i < 6; i++) a.push((await check(user('a'), 'ip')).allowed);
    assert.deepEqual(a, [true, true, true, false, false, false], 'a: its own 3');
    const b = [];
    for (let i = 0; i < 3; i++) b.push((await check(user('b'), 'ip')).allowed);
    assert.deepEqual(b, [true, true, false], "a's refused requests did not use the client's total: 3 + 2 = 5");
  });

  it('429: Retry-After and RateLimit-Reset give the same wait, never beyond the window', async () => {
    let now = 1_000_000_000_000; // a window start for 10 s windows
    const check = createQuotaChecker(
      'c',
      quotasSchema.parse({ perCaller: [{ max: 3, window: '10s' }] }),
      [],
      createMemoryStore({ now: () => now }),
    )!;
    for (const [into, expected] of [
      [100, 10],
      [6000, 8],
    ] as const) {
      now = Math.floor(now / 10_000) * 10_000 + 20_000 + into; // a fresh pair of windows, `into` ms in
      for (let i = 0; i < 3; i++) {
        const ok = await check(user(`u${into}`), 'ip');
        assert.equal(ok.allowed, true);
        const reset = Number(ok.headers['ratelimit-reset']);
        assert.ok(reset >= 1 && reset <= 10, `RateLimit-Reset ${reset} on a 200 is within the window`);
      }
      const refused = await check(user(`u${into}`), 'ip');
      assert.equal(refused.allowed, false);
      // 100 ms in, the exact sliding-window-counter wait is 13.3 s: capped at the 10 s window; 6 s in it is 7.3 s → 8
      assert.equal(refused.headers['retry-after'], String(expected), `${into} ms into the window`);
      assert.equal(refused.headers['ratelimit-reset'], refused.headers['retry-after']);
      assert.equal(refused.retryAfterSeconds, expected);
      assert.equal(refused.headers['ratelimit-remaining'], '0');
    }
  });

  it('with the store down and onError deny: refused as unavailable, with a retry hint and no quota headers', async () => {
    const check = createQuotaChecker(
      'c',
      quotasSchema.parse({ perCaller: [{ max: 3, window: '1m' }] }),
      [],
      withFailPolicy(down, { onError: 'deny', backoffMs: 1500 }),
    )!;
    const result = await check(user('a'), 'ip');
    assert.deepEqual(result, {
      allowed: false,
      unavailable: true,
      headers: { 'retry-after': '2' },
      retryAfterSeconds: 2,
    });
  });
});

describe('@rateLimit field decisions', () => {
  const spec: RateLimitSpec = { max: 2, window: '10s', windowMs: 10_000, by: 'CLIENT' };
  const operation = parse('{ a: product(id: "1") { id } b: product(id: "2") { id } c: product(id: "3") { id } }')
    .definitions[0] as OperationDefinitionNode;
  const occurrences = operation.selectionSet.selections.map((node) => ({
    node: node as FieldNode,
    path: [(node as FieldNode).alias!.value],
    nullable: [true],
    policy: spec,
    fieldName: 'product',
    typeName: 'Query',
  }));
  const context = { ip: '127.0.0.1', identity: null } as unknown as GatewayContext;

  it('decides every occurrence of a request in one store call; retryAfter within the window', async () => {
    const now = 1_000_000_000_000 + 50; // 50 ms into a window: the exact wait (13.3 s) is beyond it
    const store = counting(createMemoryStore({ now: () => now }));
    const decider = createFieldRateLimitDecider('c', new Map([['Query.product', spec]]), store)!;
    const refused = await decider.decide(occurrences, context, undefined);
    assert.deepEqual(store.calls, ['consumeEach(3)']);
    assert.deepEqual(
      refused.map((r) => r.occurrence.path[0]),
      ['c'],
    );
    const error = refused[0]!.error(['c']);
    assert.equal(error.extensions['code'], 'RATE_LIMITED');
    assert.equal(error.extensions['retryAfter'], 10);
  });

  it('with the store down and onError deny: RATE_LIMIT_UNAVAILABLE, not a limit it did not check', async () => {
    const decider = createFieldRateLimitDecider(
      'c',
      new Map([['Query.product', spec]]),
      withFailPolicy(down, { onError: 'deny' }),
    )!;
    const refused = await decider.decide(occurrences, context, undefined);
    assert.equal(refused.length, 3);
    const error = refused[0]!.error(['a']);
    assert.equal(error.extensions['code'], 'RATE_LIMIT_UNAVAILABLE');
    assert.equal(error.extensions['retryAfter'], 2);
    assert.doesNotMatch(error.message, /limited to/);
  });
});
