import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideSlidingWindow, windowStartOf } from '../../src/directives/rate-limit/index.js';

/** A fake-clock counter driving the pure function the way a store does (rolling windows forward). */
function counter(limit: number, windowMs: number) {
  let windowStart = 0;
  let prev = 0;
  let curr = 0;
  return {
    hit(now: number, cost = 1) {
      const start = windowStartOf(now, windowMs);
      if (start !== windowStart) {
        prev = start - windowStart === windowMs ? curr : 0;
        curr = 0;
        windowStart = start;
      }
      const result = decideSlidingWindow({ prev, curr, now, windowStart, windowMs, limit, cost });
      curr = result.curr;
      return result.decision;
    },
    get counts() {
      return { prev, curr };
    },
  };
}

describe('sliding window arithmetic', () => {
  it('allows up to the limit, counting remaining down, then denies', () => {
    const c = counter(3, 1000);
    assert.deepEqual(c.hit(100), { allowed: true, limit: 3, remaining: 2, retryAfterMs: 0, resetMs: 1900 });
    assert.equal(c.hit(100).remaining, 1);
    assert.equal(c.hit(100).remaining, 0);
    const denied = c.hit(100);
    assert.equal(denied.allowed, false);
    assert.equal(denied.remaining, 0);
    assert.ok(denied.retryAfterMs > 0);
  });

  it('gives the exact retryAfterMs: denied one ms before it, allowed at it', () => {
    // limit 2, both hits at t=0 (curr=2). In window 1 the estimate is 2 * (1 - e/1000): it drops to
    // 1 (room for one more) at e=500, i.e. 1500 ms after t=0.
    for (const probe of [1499, 1500]) {
      const c = counter(2, 1000);
      c.hit(0);
      c.hit(0);
      const denied = c.hit(0);
      assert.equal(denied.allowed, false);
      assert.equal(denied.retryAfterMs, 1500);
      assert.equal(denied.resetMs, 2000);
      assert.equal(c.hit(probe).allowed, probe >= 1500, `hit at ${probe}`);
    }
  });

  it('retryAfterMs within the same window when the previous window is what blocks', () => {
    // prev=10 (full), curr=0, limit 10, at 100 ms into the window: estimate 9 -> 9 + 1 fits? yes (10 <= 10).
    const fits = decideSlidingWindow({
      prev: 10,
      curr: 0,
      now: 1100,
      windowStart: 1000,
      windowMs: 1000,
      limit: 10,
      cost: 1,
    });
    assert.equal(fits.decision.allowed, true);
    // cost 2 needs the estimate at <= 8, i.e. 200 ms into the window: 100 ms from now.
    const wait = decideSlidingWindow({
      prev: 10,
      curr: 0,
      now: 1100,
      windowStart: 1000,
      windowMs: 1000,
      limit: 10,
      cost: 2,
    });
    assert.equal(wait.decision.allowed, false);
    assert.equal(wait.decision.retryAfterMs, 100);
    assert.equal(wait.curr, 0);
  });

  it('weights the previous window: a burst at the end of window N and at the start of N+1 stays within the limit', () => {
    const c = counter(10, 1000);
    let allowed = 0;
    for (let t = 990; t < 1000; t++) if (c.hit(t).allowed) allowed++; // end of window 0
    assert.equal(allowed, 10);
    for (let t = 1000; t < 1050; t++) if (c.hit(t).allowed) allowed++; // start of window 1
    assert.equal(allowed, 10, 'a fixed window would have allowed 20 here');
    // Later in window 1 the previous burst weighs less and room comes back gradually.
    assert.equal(c.hit(1100).allowed, true); // estimate 10 * 0.9 = 9
    assert.equal(c.hit(1100).allowed, false);
  });

  it('does not count denied hits', () => {
    const c = counter(3, 1000);
    for (let i = 0; i < 3; i++) assert.equal(c.hit(500).allowed, true);
    for (let i = 0; i < 5; i++) assert.equal(c.hit(500).allowed, false);
    assert.deepEqual(c.counts, { prev: 0, curr: 3 });
    // At 1/3 into the next window the estimate is 3 * 2/3 = 2: one hit fits. Had the 5 denied hits
    // been counted (prev = 8) the estimate would be 5.33 and it would be denied.
    assert.equal(c.hit(1334).allowed, true);
    assert.equal(c.hit(1334).allowed, false);
  });

  it('handles cost > 1', () => {
    const c = counter(10, 1000);
    assert.deepEqual([c.hit(0, 4).remaining, c.hit(0, 4).remaining], [6, 2]);
    const denied = c.hit(0, 4); // 8 + 4 > 10
    assert.equal(denied.allowed, false);
    assert.equal(denied.remaining, 2);
    assert.equal(c.counts.curr, 8, 'a denied cost is not recorded');
    const last = c.hit(0, 2); // 8 + 2 = 10 fits exactly
    assert.equal(last.allowed, true);
    assert.equal(last.remaining, 0);
    assert.equal(c.counts.curr, 10);
  });

  it('never allows a cost above the limit and records nothing for it', () => {
    const result = decideSlidingWindow({ prev: 0, curr: 0, now: 0, windowStart: 0, windowMs: 1000, limit: 5, cost: 6 });
    assert.equal(result.decision.allowed, false);
    assert.equal(result.curr, 0);
    assert.equal(result.decision.retryAfterMs, 1000);
  });

  it('forgets everything after two windows (resetMs)', () => {
    const c = counter(2, 1000);
    c.hit(999);
    const full = c.hit(999);
    assert.equal(full.remaining, 0);
    assert.equal(full.resetMs, 1001); // hits at 999 (window 0) weigh nothing from t=2000 on
    assert.equal(c.hit(1000).allowed, false); // window 1: prev=2 at full weight
    assert.deepEqual(c.hit(2000), { allowed: true, limit: 2, remaining: 1, retryAfterMs: 0, resetMs: 2000 });
  });
});
